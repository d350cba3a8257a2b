package io.fjord.client;

import io.fjord.proto.record.Header;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** One record read from a partition. Key and value may be null. Immutable (the arrays are not copied). */
public record ConsumerRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                             List<Header> headers) {
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    /** The key decoded as UTF-8, or null. */
    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The value decoded as UTF-8, or null. */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
