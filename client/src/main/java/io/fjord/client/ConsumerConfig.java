package io.fjord.client;

import io.fjord.client.internal.ConfigDef;
import io.fjord.client.internal.ConfigDef.Type;

import java.util.List;
import java.util.Map;

/**
 * The consumer's configuration keys (Kafka's names and defaults) and their parsed values. Immutable; thread-safe.
 *
 * <p>{@code auto.offset.reset}: {@code earliest}, {@code latest} or {@code none}.
 */
public final class ConsumerConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String CLIENT_ID = "client.id";
    public static final String MAX_POLL_RECORDS = "max.poll.records";
    public static final String FETCH_MIN_BYTES = "fetch.min.bytes";
    public static final String FETCH_MAX_WAIT_MS = "fetch.max.wait.ms";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String MAX_PARTITION_FETCH_BYTES = "max.partition.fetch.bytes";
    public static final String AUTO_OFFSET_RESET = "auto.offset.reset";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String METADATA_MAX_AGE_MS = "metadata.max.age.ms";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String DEFAULT_API_TIMEOUT_MS = "default.api.timeout.ms";

    private static final ConfigDef DEF = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.LIST, null)
            .define(CLIENT_ID, Type.STRING, "fjord-consumer")
            .defineRange(MAX_POLL_RECORDS, Type.INT, 500, 1, Integer.MAX_VALUE)
            .defineRange(FETCH_MIN_BYTES, Type.INT, 1, 0, Integer.MAX_VALUE)
            .defineRange(FETCH_MAX_WAIT_MS, Type.INT, 500, 0, Integer.MAX_VALUE)
            .defineRange(FETCH_MAX_BYTES, Type.INT, 50 * 1024 * 1024, 0, Integer.MAX_VALUE)
            .defineRange(MAX_PARTITION_FETCH_BYTES, Type.INT, 1024 * 1024, 0, Integer.MAX_VALUE)
            .defineOneOf(AUTO_OFFSET_RESET, "latest", "earliest", "latest", "none")
            .defineRange(REQUEST_TIMEOUT_MS, Type.INT, 30_000, 1, Integer.MAX_VALUE)
            .defineRange(METADATA_MAX_AGE_MS, Type.LONG, 300_000L, 0, Long.MAX_VALUE)
            .defineRange(RETRY_BACKOFF_MS, Type.LONG, 100L, 0, Long.MAX_VALUE)
            .defineRange(DEFAULT_API_TIMEOUT_MS, Type.LONG, 60_000L, 0, Long.MAX_VALUE);

    private final Map<String, Object> values;
    private final List<String> bootstrapServers;

    public ConsumerConfig(Map<String, ?> originals) {
        this.values = DEF.parse(originals);
        this.bootstrapServers = ConfigDef.bootstrapServers(values, originals);
    }

    public List<String> bootstrapServers() {
        return bootstrapServers;
    }

    public String clientId() {
        return (String) values.get(CLIENT_ID);
    }

    public int maxPollRecords() {
        return (Integer) values.get(MAX_POLL_RECORDS);
    }

    public int fetchMinBytes() {
        return (Integer) values.get(FETCH_MIN_BYTES);
    }

    public int fetchMaxWaitMs() {
        return (Integer) values.get(FETCH_MAX_WAIT_MS);
    }

    public int fetchMaxBytes() {
        return (Integer) values.get(FETCH_MAX_BYTES);
    }

    public int maxPartitionFetchBytes() {
        return (Integer) values.get(MAX_PARTITION_FETCH_BYTES);
    }

    /** earliest, latest or none. */
    public String autoOffsetReset() {
        return (String) values.get(AUTO_OFFSET_RESET);
    }

    public int requestTimeoutMs() {
        return (Integer) values.get(REQUEST_TIMEOUT_MS);
    }

    public long metadataMaxAgeMs() {
        return (Long) values.get(METADATA_MAX_AGE_MS);
    }

    public long retryBackoffMs() {
        return (Long) values.get(RETRY_BACKOFF_MS);
    }

    public long defaultApiTimeoutMs() {
        return (Long) values.get(DEFAULT_API_TIMEOUT_MS);
    }
}
