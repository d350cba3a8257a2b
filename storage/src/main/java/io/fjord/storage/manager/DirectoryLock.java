package io.fjord.storage.manager;

import io.fjord.storage.StorageException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a log directory (the file {@code .lock} in it, as Kafka's), held for as long as a node uses
 * the directory, so that a second process started on the same data cannot recover, truncate or mark clean the files
 * the first is writing. The operating system releases it when the process dies, even by {@code kill -9}.
 */
public final class DirectoryLock implements AutoCloseable {
    public static final String FILE_NAME = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws StorageException naming the directory if another process (or this one) holds it */
    public static DirectoryLock acquire(Path dir) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StorageException("log directory " + dir + " is in use by another Fjord process (it holds "
                        + dir.resolve(FILE_NAME) + "); stop that process first");
            }
            return new DirectoryLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new StorageException("log directory " + dir + " is already in use by this process");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("cannot lock log directory " + dir, e);
        } catch (StorageException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Locks every directory, or none: on a failure the locks already taken are released. */
    public static java.util.List<DirectoryLock> acquireAll(java.util.List<Path> dirs) {
        java.util.List<DirectoryLock> locks = new java.util.ArrayList<>();
        try {
            dirs.forEach(dir -> locks.add(acquire(dir)));
            return locks;
        } catch (RuntimeException e) {
            locks.forEach(DirectoryLock::close);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new StorageException("cannot release the lock " + FILE_NAME, e);
        }
    }
}
