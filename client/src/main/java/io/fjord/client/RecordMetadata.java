package io.fjord.client;

/**
 * Where an acknowledged record was written. {@code offset} is -1 with {@code acks=0} (the producer does not wait for
 * the answer). {@code timestamp} is the record's create time, or the broker's append time when the topic uses
 * LogAppendTime. Immutable.
 */
public record RecordMetadata(String topic, int partition, long offset, long timestamp, int serializedKeySize,
                             int serializedValueSize) {
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    public boolean hasOffset() {
        return offset >= 0;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
