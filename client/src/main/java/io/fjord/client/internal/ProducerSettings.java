package io.fjord.client.internal;

import io.fjord.client.ProducerConfig;

/** What the sender and response handler need from the producer's configuration. Immutable. */
public record ProducerSettings(String clientId, int acks, int retries, long retryBackoffMs, int requestTimeoutMs,
                               int maxInFlight, int maxRequestSizeBytes) {
    public static ProducerSettings from(ProducerConfig config) {
        return new ProducerSettings(config.clientId(), config.acks(), config.retries(), config.retryBackoffMs(),
                config.requestTimeoutMs(), config.maxInFlightRequestsPerConnection(), config.maxRequestSizeBytes());
    }
}
