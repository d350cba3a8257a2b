package io.fjord.broker.api;

/**
 * What a broker fills in when a request leaves it open: {@code auto.create.topics.enable}, {@code num.partitions},
 * {@code default.replication.factor}.
 */
public record TopicDefaults(boolean autoCreateTopics, int numPartitions, int replicationFactor) {
    /**
     * Brokers do not replicate partitions to each other yet: a topic with more replicas would be written on its
     * leader but its high watermark would never move (consumers would see nothing, acks=all would time out), so
     * the client API refuses to create one.
     */
    public static final int MAX_REPLICATION_FACTOR = 1;
}
