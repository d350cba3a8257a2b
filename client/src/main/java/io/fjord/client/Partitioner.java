package io.fjord.client;

import java.util.List;
import java.util.Map;

/**
 * Chooses the partition for a record without an explicit one ({@code partitioner.class}). Implementations need a
 * public no-argument constructor and must be thread-safe: {@code send} may be called from many threads.
 */
public interface Partitioner extends AutoCloseable {
    /**
     * @param partitions every partition of the topic, ordered by partition number (leader null where there is none)
     * @return a partition number in {@code [0, partitions.size())}
     */
    int partition(String topic, byte[] key, byte[] value, List<PartitionInfo> partitions);

    /** A new batch is about to be started for {@code prevPartition}: a sticky partitioner may move on. */
    default void onNewBatch(String topic, List<PartitionInfo> partitions, int prevPartition) {
    }

    /** Called once with the producer's configuration map, before first use. */
    default void configure(Map<String, ?> configs) {
    }

    @Override
    default void close() {
    }
}
