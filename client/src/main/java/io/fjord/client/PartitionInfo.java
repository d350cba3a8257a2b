package io.fjord.client;

import java.util.List;

/**
 * One partition as the cluster metadata describes it. {@code leader} is null when the partition has no leader right
 * now. Immutable.
 */
public record PartitionInfo(String topic, int partition, Node leader, int leaderEpoch, List<Integer> replicas,
                            List<Integer> isr, List<Integer> offlineReplicas) {
    public PartitionInfo {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        offlineReplicas = List.copyOf(offlineReplicas);
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
