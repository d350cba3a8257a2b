package io.fjord.storage.manager;

import io.fjord.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FormatterTest {
    @TempDir
    Path tmp;
    private final Random random = new Random(5);
    private final String cluster = MetaProperties.randomId(random);

    @Test
    void formatWritesAnIdentityThatVerifyAccepts() {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertEquals(Formatter.Outcome.FORMATTED, Formatter.format(a, cluster, 3, random));
        assertEquals(Formatter.Outcome.FORMATTED, Formatter.format(b, cluster, 3, random));
        assertEquals(Formatter.Outcome.ALREADY_FORMATTED, Formatter.format(a, cluster, 3, random));
        List<MetaProperties> metas = Formatter.verify(List.of(a, b), 3);
        assertEquals(cluster, metas.get(0).clusterId());
        assertNotEquals(metas.get(0).directoryId(), metas.get(1).directoryId(), "each format gets a new directory id");
        assertEquals(metas.get(0), MetaProperties.read(a));
    }

    @Test
    void verifyRefusesUnformattedAndForeignDirectories() {
        Path unformatted = tmp.resolve("empty");
        StorageException e = assertThrows(StorageException.class, () -> Formatter.verify(List.of(unformatted), 1));
        assertTrue(e.getMessage().contains("is not formatted; run: fjord format"), e.getMessage());

        Path other = tmp.resolve("other-node");
        Formatter.format(other, cluster, 2, random);
        e = assertThrows(StorageException.class, () -> Formatter.verify(List.of(other), 1));
        assertTrue(e.getMessage().contains("belongs to node 2, not to this node 1"), e.getMessage());

        Path mine = tmp.resolve("mine");
        Path otherCluster = tmp.resolve("other-cluster");
        Formatter.format(mine, cluster, 1, random);
        Formatter.format(otherCluster, MetaProperties.randomId(random), 1, random);
        e = assertThrows(StorageException.class, () -> Formatter.verify(List.of(mine, otherCluster), 1));
        assertTrue(e.getMessage().contains("belongs to cluster"), e.getMessage());
    }

    @Test
    void formatRefusesDataWithoutIdentityAndAnotherIdentity() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("orders-0"));
        StorageException e = assertThrows(StorageException.class, () -> Formatter.format(data, cluster, 1, random));
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
        assertNull(MetaProperties.read(data));

        Path formatted = tmp.resolve("formatted");
        Formatter.format(formatted, cluster, 1, random);
        e = assertThrows(StorageException.class, () -> Formatter.format(formatted, cluster, 2, random));
        assertTrue(e.getMessage().contains("refusing to re-format"), e.getMessage());
    }

    @Test
    void malformedFilesAndIdsAreRejectedWithTheReason() throws Exception {
        Path dir = tmp.resolve("bad");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MetaProperties.FILE_NAME), "version=1\ncluster.id=short\nnode.id=1\n");
        StorageException e = assertThrows(StorageException.class, () -> MetaProperties.read(dir));
        assertTrue(e.getMessage().contains("invalid cluster.id=short"), e.getMessage());
        Files.writeString(dir.resolve(MetaProperties.FILE_NAME), "version=7\n");
        e = assertThrows(StorageException.class, () -> MetaProperties.read(dir));
        assertTrue(e.getMessage().contains("version 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MetaProperties(cluster, -1, cluster));
    }
}
