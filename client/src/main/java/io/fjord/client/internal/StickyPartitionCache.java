package io.fjord.client.internal;

import io.fjord.client.PartitionInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The sticky choice for records without a key (KIP-480): every such record of a topic goes to one partition until
 * a batch for it is complete, then the producer moves to another partition chosen at random among those with a
 * leader (never the same one again when there is another). Few, full batches instead of many small ones.
 * Thread-safe.
 */
public final class StickyPartitionCache {
    private final Map<String, Integer> current = new ConcurrentHashMap<>();
    private final RandomGenerator random;

    public StickyPartitionCache(RandomGenerator random) {
        this.random = random;
    }

    public int partition(String topic, List<PartitionInfo> partitions) {
        Integer partition = current.get(topic);
        return partition != null && partition < partitions.size() ? partition : nextPartition(topic, partitions, -1);
    }

    /** Moves on from {@code prevPartition}, unless another thread has already moved on. */
    public int nextPartition(String topic, List<PartitionInfo> partitions, int prevPartition) {
        Integer old = current.get(topic);
        if (old != null && old != prevPartition && old < partitions.size()) {
            return old;
        }
        List<Integer> candidates = new ArrayList<>();
        for (PartitionInfo p : partitions) {
            if (p.leader() != null && p.partition() != prevPartition) {
                candidates.add(p.partition());
            }
        }
        int chosen;
        if (!candidates.isEmpty()) {
            chosen = candidates.get(random.nextInt(candidates.size()));
        } else if (partitions.size() > 1) {
            int r = random.nextInt(partitions.size() - 1);
            chosen = r >= prevPartition && prevPartition >= 0 ? r + 1 : r;
        } else {
            chosen = 0;
        }
        if (old == null) {
            Integer raced = current.putIfAbsent(topic, chosen);
            return raced == null ? chosen : raced;
        }
        return current.replace(topic, old, chosen) ? chosen : current.get(topic);
    }
}
