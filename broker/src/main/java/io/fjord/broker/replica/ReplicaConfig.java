package io.fjord.broker.replica;

import io.fjord.storage.log.LogConfig;

import java.util.Map;

/**
 * The broker's partition data-plane settings, with Kafka's names and defaults. Immutable; {@link #validate()} refuses
 * a bad value with one message naming key, value and what is allowed.
 *
 * @param defaultMinInsyncReplicas             {@code min.insync.replicas} (topic override: same key)
 * @param messageMaxBytes                      {@code message.max.bytes}: the largest batch (topic override:
 *                                             {@code max.message.bytes})
 * @param replicaLagTimeMaxMs                  {@code replica.lag.time.max.ms}: a follower not caught up for this long
 *                                             leaves the ISR
 * @param logDefaults                          broker-wide log settings ({@code log.segment.bytes},
 *                                             {@code log.retention.ms}, {@code log.retention.bytes}, ...) before
 *                                             topic overrides; its max message size is replaced by
 *                                             {@code messageMaxBytes}
 * @param fetchMaxBytes                        {@code fetch.max.bytes}: the most a fetch answer carries
 * @param requestTimeoutMs                     {@code request.timeout.ms}: how long acks=all may wait when the request
 *                                             names no timeout
 * @param fetchMaxWaitMs                       the longest a fetch may wait in the purgatory (bounds max_wait_ms)
 * @param highWatermarkCheckpointIntervalMs    {@code replica.high.watermark.checkpoint.interval.ms}
 * @param logRetentionCheckIntervalMs          {@code log.retention.check.interval.ms}: how often retention runs
 */
public record ReplicaConfig(int defaultMinInsyncReplicas, int messageMaxBytes, long replicaLagTimeMaxMs,
                            LogConfig logDefaults, int fetchMaxBytes, int requestTimeoutMs, int fetchMaxWaitMs,
                            long highWatermarkCheckpointIntervalMs, long logRetentionCheckIntervalMs) {
    public static final int DEFAULT_MIN_INSYNC_REPLICAS = 1;
    public static final int DEFAULT_MESSAGE_MAX_BYTES = LogConfig.DEFAULT_MAX_MESSAGE_BYTES; // 1048588
    public static final long DEFAULT_REPLICA_LAG_TIME_MAX_MS = 30_000;
    public static final int DEFAULT_FETCH_MAX_BYTES = 55 * 1024 * 1024;
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_FETCH_MAX_WAIT_MS = 30_000;
    public static final long DEFAULT_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = 5_000;
    public static final long DEFAULT_LOG_RETENTION_CHECK_INTERVAL_MS = 300_000;

    public static ReplicaConfig defaults() {
        return new ReplicaConfig(DEFAULT_MIN_INSYNC_REPLICAS, DEFAULT_MESSAGE_MAX_BYTES, DEFAULT_REPLICA_LAG_TIME_MAX_MS,
                LogConfig.defaults(), DEFAULT_FETCH_MAX_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_FETCH_MAX_WAIT_MS,
                DEFAULT_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS, DEFAULT_LOG_RETENTION_CHECK_INTERVAL_MS);
    }

    /** @return this config, once every value is checked */
    public ReplicaConfig validate() {
        require(defaultMinInsyncReplicas >= 1, "min.insync.replicas", defaultMinInsyncReplicas, "at least 1");
        require(messageMaxBytes >= 0, "message.max.bytes", messageMaxBytes, "at least 0");
        require(replicaLagTimeMaxMs >= 1, "replica.lag.time.max.ms", replicaLagTimeMaxMs, "at least 1");
        require(fetchMaxBytes >= 0, "fetch.max.bytes", fetchMaxBytes, "at least 0");
        require(requestTimeoutMs >= 1, "request.timeout.ms", requestTimeoutMs, "at least 1");
        require(fetchMaxWaitMs >= 0, "fetch.max.wait.ms", fetchMaxWaitMs, "at least 0");
        require(highWatermarkCheckpointIntervalMs >= 1, "replica.high.watermark.checkpoint.interval.ms",
                highWatermarkCheckpointIntervalMs, "at least 1");
        require(logRetentionCheckIntervalMs >= 1, "log.retention.check.interval.ms", logRetentionCheckIntervalMs,
                "at least 1");
        if (logDefaults == null) {
            throw new IllegalArgumentException("log defaults must be set");
        }
        return this;
    }

    private static void require(boolean ok, String key, long value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("invalid " + key + "=" + value + ": must be " + allowed);
        }
    }

    /** The broker's log defaults with {@code message.max.bytes} applied. */
    public LogConfig brokerLogConfig() {
        return logDefaults.withOverrides(Map.of("max.message.bytes", Integer.toString(messageMaxBytes)));
    }

    public ReplicaConfig withLogDefaults(LogConfig logConfig) {
        return new ReplicaConfig(defaultMinInsyncReplicas, messageMaxBytes, replicaLagTimeMaxMs, logConfig,
                fetchMaxBytes, requestTimeoutMs, fetchMaxWaitMs, highWatermarkCheckpointIntervalMs,
                logRetentionCheckIntervalMs);
    }

    public ReplicaConfig withRequestTimeoutMs(int timeoutMs) {
        return new ReplicaConfig(defaultMinInsyncReplicas, messageMaxBytes, replicaLagTimeMaxMs, logDefaults,
                fetchMaxBytes, timeoutMs, fetchMaxWaitMs, highWatermarkCheckpointIntervalMs,
                logRetentionCheckIntervalMs);
    }

    public ReplicaConfig withMessageMaxBytes(int bytes) {
        return new ReplicaConfig(defaultMinInsyncReplicas, bytes, replicaLagTimeMaxMs, logDefaults, fetchMaxBytes,
                requestTimeoutMs, fetchMaxWaitMs, highWatermarkCheckpointIntervalMs, logRetentionCheckIntervalMs);
    }
}
