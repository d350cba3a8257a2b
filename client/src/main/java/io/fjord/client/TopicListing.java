package io.fjord.client;

/** A topic as {@code listTopics} shows it. Immutable. */
public record TopicListing(String name, String topicId, int partitions, int replicationFactor) {
}
