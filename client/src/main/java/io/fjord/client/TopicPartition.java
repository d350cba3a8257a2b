package io.fjord.client;

import java.util.Objects;

/** A topic name and a partition number. Immutable. Prints as Kafka does: {@code orders-3}. */
public record TopicPartition(String topic, int partition) {
    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
