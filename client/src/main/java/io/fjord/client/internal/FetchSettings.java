package io.fjord.client.internal;

import io.fjord.client.ConsumerConfig;

/** What the fetcher needs from the consumer's configuration. Immutable. */
public record FetchSettings(String clientId, int fetchMinBytes, int fetchMaxWaitMs, int fetchMaxBytes,
                            int maxPartitionFetchBytes, int requestTimeoutMs, long retryBackoffMs) {
    public static FetchSettings from(ConsumerConfig config) {
        return new FetchSettings(config.clientId(), config.fetchMinBytes(), config.fetchMaxWaitMs(),
                config.fetchMaxBytes(), config.maxPartitionFetchBytes(), config.requestTimeoutMs(),
                config.retryBackoffMs());
    }
}
