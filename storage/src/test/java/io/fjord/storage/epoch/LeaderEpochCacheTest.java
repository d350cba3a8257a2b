package io.fjord.storage.epoch;

import io.fjord.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaderEpochCacheTest {
    @TempDir
    Path dir;

    private LeaderEpochCache cacheWith(int[][] entries) {
        LeaderEpochCache cache = new LeaderEpochCache(dir);
        for (int[] e : entries) {
            cache.assign(e[0], e[1]);
        }
        return cache;
    }

    @Test
    void endOffsetForFollowsKafkaSemantics() {
        // epochs: 1 starts at 0, 3 starts at 10, 5 starts at 20; log end 30
        LeaderEpochCache cache = cacheWith(new int[][] {{1, 0}, {3, 10}, {5, 20}});
        long[][] table = {
            // requested epoch, expected end offset, expected epoch
            {5, 30, 5},   // latest epoch ends at the log end
            {3, 20, 3},   // a known epoch ends where the next starts
            {4, 20, 3},   // an unknown epoch between: the floor epoch, ending where the next known one starts
            {2, 10, 1},
            {1, 10, 1},
            {0, 0, 0},    // below every known epoch: ends where the first known epoch starts
            {6, -1, -1},  // above every known epoch: undefined
            {-1, -1, -1},
        };
        for (long[] row : table) {
            OffsetAndEpoch result = cache.endOffsetFor((int) row[0], 30);
            assertEquals(new OffsetAndEpoch(row[1], (int) row[2]), result, "requested epoch " + row[0]);
        }
    }

    @Test
    void emptyCacheAnswersUndefined() {
        assertEquals(OffsetAndEpoch.UNDEFINED, new LeaderEpochCache(dir).endOffsetFor(3, 100));
    }

    @Test
    void assignKeepsFirstStartOfLatestEpochAndDropsConflicts() {
        LeaderEpochCache cache = cacheWith(new int[][] {{1, 0}, {2, 5}, {2, 8}});
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 5)), cache.entries());
        cache.assign(3, 4); // a new epoch starting below epoch 2's start: epoch 2 was truncated away
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(3, 4)), cache.entries());
        assertEquals(3, cache.latestEpoch());
        assertEquals(1, cache.epochForOffset(3));
        assertEquals(3, cache.epochForOffset(4));
    }

    @Test
    void truncationFromEndAndStart() {
        LeaderEpochCache cache = cacheWith(new int[][] {{1, 0}, {3, 10}, {5, 20}});
        cache.truncateFromEnd(20);
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(3, 10)), cache.entries());
        cache.truncateFromStart(12);
        assertEquals(List.of(new EpochEntry(3, 12)), cache.entries());
        cache.truncateFromStart(5); // below the first entry: nothing changes
        assertEquals(List.of(new EpochEntry(3, 12)), cache.entries());
    }

    @Test
    void survivesReloadAndRejectsAMalformedFile() throws Exception {
        cacheWith(new int[][] {{1, 0}, {4, 7}});
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(4, 7)), new LeaderEpochCache(dir).entries());
        Files.writeString(dir.resolve(LeaderEpochCache.FILE_NAME), "0\n2\n1 0\n");
        StorageException e = assertThrows(StorageException.class, () -> new LeaderEpochCache(dir));
        assertTrue(e.getMessage().contains("leader-epoch-checkpoint"), e.getMessage());
    }
}
