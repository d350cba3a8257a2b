package io.fjord.client.internal;

import io.fjord.client.PartitionInfo;
import io.fjord.client.Partitioner;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Kafka's default choice: with a key, {@code toPositive(murmur2(key)) % numPartitions} over all partitions (so a key
 * stays on its partition while the partition count stays the same); without one, the sticky partition (see
 * {@link StickyPartitionCache}). Thread-safe.
 */
public final class DefaultPartitioner implements Partitioner {
    private final StickyPartitionCache sticky;

    public DefaultPartitioner() {
        this(RandomGenerator.getDefault());
    }

    public DefaultPartitioner(RandomGenerator random) {
        this.sticky = new StickyPartitionCache(random);
    }

    @Override
    public int partition(String topic, byte[] key, byte[] value, List<PartitionInfo> partitions) {
        if (key == null) {
            return sticky.partition(topic, partitions);
        }
        return Murmur2.partitionForKey(key, partitions.size());
    }

    @Override
    public void onNewBatch(String topic, List<PartitionInfo> partitions, int prevPartition) {
        sticky.nextPartition(topic, partitions, prevPartition);
    }
}
