package io.fjord.broker.replica;

import io.fjord.storage.log.LogConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Splits a topic's config overrides (from the metadata image) into the log's settings and the broker's
 * ({@code min.insync.replicas}). Keys neither knows (applied by the controller, or not supported yet) are ignored
 * here: the controller validated them when they were set. Stateless.
 */
public final class TopicConfigs {
    static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    private static final Set<String> LOG_KEYS = Set.of("segment.bytes", "segment.ms", "index.interval.bytes",
            "segment.index.bytes", "retention.ms", "retention.bytes", "max.message.bytes", "flush.messages",
            "flush.ms");

    private TopicConfigs() {
    }

    /** The log config of a topic: broker defaults with the topic's log overrides applied. */
    public static LogConfig logConfig(ReplicaConfig config, Map<String, String> overrides) {
        Map<String, String> logOverrides = new HashMap<>();
        overrides.forEach((key, value) -> {
            if (LOG_KEYS.contains(key)) {
                logOverrides.put(key, value);
            }
        });
        return config.brokerLogConfig().withOverrides(logOverrides);
    }

    /** The topic's {@code min.insync.replicas}, or the broker default. */
    public static int minInsyncReplicas(ReplicaConfig config, Map<String, String> overrides) {
        String value = overrides.get(MIN_INSYNC_REPLICAS);
        if (value == null) {
            return config.defaultMinInsyncReplicas();
        }
        try {
            return Math.max(1, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return config.defaultMinInsyncReplicas();
        }
    }
}
