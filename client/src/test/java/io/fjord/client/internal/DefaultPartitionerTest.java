package io.fjord.client.internal;

import io.fjord.client.PartitionInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultPartitionerTest {
    private final List<PartitionInfo> partitions = TestPartitions.of("t", 6);

    @Test
    void keyedRecordsUseMurmur2OverAllPartitions() {
        DefaultPartitioner partitioner = new DefaultPartitioner(new SplittableRandom(1));
        byte[] key = "foobar".getBytes(StandardCharsets.UTF_8);
        int expected = (-790332482 & 0x7fffffff) % 6;
        assertEquals(expected, partitioner.partition("t", key, null, partitions));
        // even when that partition has no leader right now: the key keeps its partition
        List<PartitionInfo> leaderless = TestPartitions.of("t", 6, expected);
        assertEquals(expected, partitioner.partition("t", key, null, leaderless));
    }

    @Test
    void nullKeysStickUntilANewBatch() {
        DefaultPartitioner partitioner = new DefaultPartitioner(new SplittableRandom(7));
        int first = partitioner.partition("t", null, null, partitions);
        for (int i = 0; i < 100; i++) {
            assertEquals(first, partitioner.partition("t", null, null, partitions));
        }
        partitioner.onNewBatch("t", partitions, first);
        int second = partitioner.partition("t", null, null, partitions);
        assertNotEquals(first, second);
        assertEquals(second, partitioner.partition("t", null, null, partitions));
    }

    @Test
    void stickyMovesOnlyToPartitionsWithALeaderAndSpreadsOverThem() {
        StickyPartitionCache cache = new StickyPartitionCache(new SplittableRandom(3));
        List<PartitionInfo> some = TestPartitions.of("t", 4, 1, 2);
        Set<Integer> seen = new HashSet<>();
        int current = cache.partition("t", some);
        for (int i = 0; i < 50; i++) {
            seen.add(current);
            current = cache.nextPartition("t", some, current);
        }
        assertEquals(Set.of(0, 3), seen);
    }

    @Test
    void aStaleNewBatchNotificationDoesNotMoveAgain() {
        StickyPartitionCache cache = new StickyPartitionCache(new SplittableRandom(5));
        int first = cache.partition("t", partitions);
        int second = cache.nextPartition("t", partitions, first);
        // another thread reports the same (old) partition: the choice already moved on, keep it
        assertEquals(second, cache.nextPartition("t", partitions, first));
        assertTrue(second >= 0 && second < 6);
    }
}
