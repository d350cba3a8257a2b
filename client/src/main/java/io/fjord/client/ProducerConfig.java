package io.fjord.client;

import io.fjord.client.internal.ConfigDef;
import io.fjord.client.internal.ConfigDef.Type;
import io.fjord.proto.record.CompressionType;

import java.util.List;
import java.util.Map;

/**
 * The producer's configuration keys (Kafka's names and defaults) and their parsed values. Immutable; thread-safe.
 *
 * <p>{@code acks}: {@code all}/{@code -1}, {@code 0}, {@code 1}. {@code compression.type}: none, gzip, snappy, lz4,
 * zstd. Sizes in bytes, times in milliseconds.
 */
public final class ProducerConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String CLIENT_ID = "client.id";
    public static final String ACKS = "acks";
    public static final String BATCH_SIZE = "batch.size";
    public static final String LINGER_MS = "linger.ms";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String RETRIES = "retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String DELIVERY_TIMEOUT_MS = "delivery.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String MAX_IN_FLIGHT = "max.in.flight.requests.per.connection";
    public static final String PARTITIONER_CLASS = "partitioner.class";
    public static final String INTERCEPTOR_CLASSES = "interceptor.classes";
    public static final String METADATA_MAX_AGE_MS = "metadata.max.age.ms";
    public static final String BUFFER_MEMORY = "buffer.memory";
    public static final String MAX_REQUEST_SIZE = "max.request.size";
    public static final String MAX_BLOCK_MS = "max.block.ms";

    private static final ConfigDef DEF = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.LIST, null)
            .define(CLIENT_ID, Type.STRING, "fjord-producer")
            .defineOneOf(ACKS, "all", "all", "-1", "0", "1")
            .defineRange(BATCH_SIZE, Type.INT, 16384, 1, Integer.MAX_VALUE)
            .defineRange(LINGER_MS, Type.LONG, 5L, 0, Long.MAX_VALUE)
            .defineOneOf(COMPRESSION_TYPE, "none", "none", "gzip", "snappy", "lz4", "zstd")
            .defineRange(RETRIES, Type.INT, Integer.MAX_VALUE, 0, Integer.MAX_VALUE)
            .defineRange(RETRY_BACKOFF_MS, Type.LONG, 100L, 0, Long.MAX_VALUE)
            .defineRange(DELIVERY_TIMEOUT_MS, Type.LONG, 120_000L, 1, Long.MAX_VALUE)
            .defineRange(REQUEST_TIMEOUT_MS, Type.INT, 30_000, 1, Integer.MAX_VALUE)
            .defineRange(MAX_IN_FLIGHT, Type.INT, 5, 1, Integer.MAX_VALUE)
            .define(PARTITIONER_CLASS, Type.STRING, null)
            .define(INTERCEPTOR_CLASSES, Type.LIST, List.of())
            .defineRange(METADATA_MAX_AGE_MS, Type.LONG, 300_000L, 0, Long.MAX_VALUE)
            .defineRange(BUFFER_MEMORY, Type.LONG, 32L * 1024 * 1024, 1, Long.MAX_VALUE)
            .defineRange(MAX_REQUEST_SIZE, Type.INT, 1024 * 1024, 1, Integer.MAX_VALUE)
            .defineRange(MAX_BLOCK_MS, Type.LONG, 60_000L, 0, Long.MAX_VALUE);

    private final Map<String, ?> originals;
    private final Map<String, Object> values;
    private final List<String> bootstrapServers;

    public ProducerConfig(Map<String, ?> originals) {
        this.originals = Map.copyOf(originals);
        this.values = DEF.parse(originals);
        this.bootstrapServers = ConfigDef.bootstrapServers(values, originals);
        long lingerAndRequest = lingerMs() + requestTimeoutMs();
        if (deliveryTimeoutMs() < lingerAndRequest) {
            throw new ConfigException(DELIVERY_TIMEOUT_MS, deliveryTimeoutMs(),
                    "is at least linger.ms + request.timeout.ms = " + lingerAndRequest);
        }
    }

    /** The map as the user gave it (passed on to a partitioner's and interceptors' {@code configure}). */
    public Map<String, ?> originals() {
        return originals;
    }

    public List<String> bootstrapServers() {
        return bootstrapServers;
    }

    public String clientId() {
        return (String) values.get(CLIENT_ID);
    }

    /** -1 (all), 0 or 1. */
    public int acks() {
        String acks = (String) values.get(ACKS);
        return acks.equals("all") ? -1 : Integer.parseInt(acks);
    }

    public int batchSizeBytes() {
        return (Integer) values.get(BATCH_SIZE);
    }

    public long lingerMs() {
        return (Long) values.get(LINGER_MS);
    }

    public CompressionType compressionType() {
        return CompressionType.forName((String) values.get(COMPRESSION_TYPE));
    }

    public int retries() {
        return (Integer) values.get(RETRIES);
    }

    public long retryBackoffMs() {
        return (Long) values.get(RETRY_BACKOFF_MS);
    }

    public long deliveryTimeoutMs() {
        return (Long) values.get(DELIVERY_TIMEOUT_MS);
    }

    public int requestTimeoutMs() {
        return (Integer) values.get(REQUEST_TIMEOUT_MS);
    }

    public int maxInFlightRequestsPerConnection() {
        return (Integer) values.get(MAX_IN_FLIGHT);
    }

    /** The partitioner's class name, or null for the default (murmur2 of the key, sticky without one). */
    public String partitionerClass() {
        return (String) values.get(PARTITIONER_CLASS);
    }

    public List<String> interceptorClasses() {
        return strings(INTERCEPTOR_CLASSES);
    }

    public long metadataMaxAgeMs() {
        return (Long) values.get(METADATA_MAX_AGE_MS);
    }

    public long bufferMemoryBytes() {
        return (Long) values.get(BUFFER_MEMORY);
    }

    public int maxRequestSizeBytes() {
        return (Integer) values.get(MAX_REQUEST_SIZE);
    }

    public long maxBlockMs() {
        return (Long) values.get(MAX_BLOCK_MS);
    }

    private List<String> strings(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        return ((List<?>) value).stream().map(o -> o instanceof Class<?> c ? c.getName() : o.toString())
                .toList();
    }
}
