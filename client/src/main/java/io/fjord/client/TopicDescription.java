package io.fjord.client;

import java.util.List;
import java.util.Map;

/** A topic with its partitions (leaders, replicas, ISR) and its config overrides. Immutable. */
public record TopicDescription(String name, String topicId, List<PartitionInfo> partitions,
                               Map<String, String> configs) {
    public TopicDescription {
        partitions = List.copyOf(partitions);
        configs = Map.copyOf(configs);
    }

    /** The replication factor (of partition 0; every partition has the same unless reassigned), 0 if none. */
    public int replicationFactor() {
        return partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
    }
}
