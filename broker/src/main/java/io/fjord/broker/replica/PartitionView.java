package io.fjord.broker.replica;

/** A snapshot of one partition replica for metrics and management. Immutable. */
public record PartitionView(String topic, int partition, int leaderEpoch, boolean isLeader, long logStartOffset,
                            long logEndOffset, long highWatermark, long sizeInBytes, int isrSize) {
}
