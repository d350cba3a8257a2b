package io.fjord.client;

import io.fjord.proto.record.Header;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A record to send. {@code partition} null lets the partitioner choose; {@code timestamp} null means "now" (the
 * producer's clock at {@code send}). Key and value may be null (a null value is a tombstone). Immutable; the byte
 * arrays are not copied, so do not change them after {@code send}.
 */
public record ProducerRecord(String topic, Integer partition, Long timestamp, byte[] key, byte[] value,
                             List<Header> headers) {
    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        if (partition != null && partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition);
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public ProducerRecord(String topic, byte[] key, byte[] value) {
        this(topic, null, null, key, value, List.of());
    }

    public ProducerRecord(String topic, Integer partition, byte[] key, byte[] value) {
        this(topic, partition, null, key, value, List.of());
    }

    /** UTF-8 key and value; either may be null. */
    public static ProducerRecord ofStrings(String topic, String key, String value) {
        return new ProducerRecord(topic, utf8(key), utf8(value));
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
