package io.fjord.client;

import java.util.Map;
import java.util.Objects;

/**
 * A topic to create. {@code numPartitions} / {@code replicationFactor} 0 take the broker's {@code num.partitions} /
 * {@code default.replication.factor}. Immutable.
 */
public record NewTopic(String name, int numPartitions, int replicationFactor, Map<String, String> configs) {
    public NewTopic {
        Objects.requireNonNull(name, "name");
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    public NewTopic(String name, int numPartitions, int replicationFactor) {
        this(name, numPartitions, replicationFactor, Map.of());
    }
}
