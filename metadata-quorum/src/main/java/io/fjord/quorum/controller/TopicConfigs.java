package io.fjord.quorum.controller;

import io.fjord.storage.log.LogConfig;

import java.util.Map;
import java.util.Set;

/**
 * Validation of topic-level configuration overrides, with Kafka's key names: the log's own settings (checked by
 * {@link LogConfig}) and the settings the broker and controller apply.
 */
public final class TopicConfigs {
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    private static final Set<String> COMPRESSION = Set.of("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd");

    private TopicConfigs() {
    }

    /** Null if {@code key=value} is a valid topic override, else why not (naming key, value and what is allowed). */
    public static String problem(String key, String value) {
        if (value == null) {
            return "config " + key + " has no value";
        }
        switch (key) {
            case MIN_INSYNC_REPLICAS:
                try {
                    if (Integer.parseInt(value.trim()) >= 1) {
                        return null;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                return MIN_INSYNC_REPLICAS + "=" + value + " is not allowed: an integer of at least 1";
            case UNCLEAN_LEADER_ELECTION_ENABLE:
                return value.equals("true") || value.equals("false") ? null
                        : UNCLEAN_LEADER_ELECTION_ENABLE + "=" + value + " is not allowed: true or false";
            case COMPRESSION_TYPE:
                return COMPRESSION.contains(value) ? null
                        : COMPRESSION_TYPE + "=" + value + " is not allowed: one of " + new java.util.TreeSet<>(COMPRESSION);
            case CLEANUP_POLICY:
                return value.equals("delete") ? null
                        : CLEANUP_POLICY + "=" + value + " is not allowed: only 'delete' (log compaction is not supported yet)";
            default:
                try {
                    LogConfig.defaults().withOverrides(Map.of(key, value));
                    return null;
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
        }
    }

    public static boolean uncleanLeaderElection(Map<String, String> overrides, boolean clusterDefault) {
        String value = overrides.get(UNCLEAN_LEADER_ELECTION_ENABLE);
        return value == null ? clusterDefault : Boolean.parseBoolean(value);
    }
}
