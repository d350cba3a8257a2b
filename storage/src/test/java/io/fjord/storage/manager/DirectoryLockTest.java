package io.fjord.storage.manager;

import io.fjord.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectoryLockTest {
    @Test
    void aDirectoryIsUsedByOneNodeAtATime(@TempDir Path dir) {
        try (DirectoryLock held = DirectoryLock.acquire(dir)) {
            StorageException e = assertThrows(StorageException.class, () -> DirectoryLock.acquire(dir));
            assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("in use"), e.getMessage());
        }
        DirectoryLock.acquire(dir).close(); // released: free again
    }
}
