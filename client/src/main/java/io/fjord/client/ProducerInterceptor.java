package io.fjord.client;

import java.util.Map;

/**
 * Sees every record before it is partitioned ({@link #onSend}, which may replace it) and every acknowledgement or
 * failure ({@link #onAcknowledgement}, on a client I/O thread, before the record's callback). Exceptions thrown by
 * an interceptor are caught, and the record goes on as if the interceptor were not there. Configured with
 * {@code interceptor.classes}; implementations need a public no-argument constructor and must be thread-safe.
 */
public interface ProducerInterceptor extends AutoCloseable {
    ProducerRecord onSend(ProducerRecord record);

    /** {@code exception} null on success. */
    void onAcknowledgement(RecordMetadata metadata, Exception exception);

    default void configure(Map<String, ?> configs) {
    }

    @Override
    default void close() {
    }
}
