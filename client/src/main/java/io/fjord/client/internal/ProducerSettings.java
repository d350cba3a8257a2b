package io.fjord.client.internal;

import io.fjord.client.ProducerConfig;

/**
 * The producer's configuration values read on every send or sender round, parsed once. Immutable.
 */
public record ProducerSettings(String clientId, int acks, int retries, long retryBackoffMs, int requestTimeoutMs,
                               int maxInFlight, int maxRequestSizeBytes, long maxBlockMs, long bufferMemoryBytes) {
    public static ProducerSettings from(ProducerConfig config) {
        return new ProducerSettings(config.clientId(), config.acks(), config.retries(), config.retryBackoffMs(),
                config.requestTimeoutMs(), config.maxInFlightRequestsPerConnection(), config.maxRequestSizeBytes(),
                config.maxBlockMs(), config.bufferMemoryBytes());
    }
}
