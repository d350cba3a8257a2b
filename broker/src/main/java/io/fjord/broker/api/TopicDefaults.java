package io.fjord.broker.api;

/**
 * What a broker fills in when a request leaves it open: {@code auto.create.topics.enable}, {@code num.partitions},
 * {@code default.replication.factor}.
 */
public record TopicDefaults(boolean autoCreateTopics, int numPartitions, int replicationFactor) {
}
