package io.fjord.storage.log;

import java.util.Optional;

/** A topic name and partition number; its log lives in directory {@code <topic>-<partition>}. */
public record TopicPartition(String topic, int partition) {
    public static final int MAX_TOPIC_NAME_LENGTH = 249;
    /**
     * Names starting with this are reserved: {@code __cluster_metadata-0} in the first log directory holds the
     * metadata Raft log (combined mode), which is not a partition of a topic.
     */
    public static final String RESERVED_PREFIX = "__cluster_metadata";

    public TopicPartition {
        validateTopicName(topic);
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition);
        }
    }

    /** Whether {@code topic} is reserved for internal logs ({@link #RESERVED_PREFIX}). */
    public static boolean isReserved(String topic) {
        return topic != null && topic.startsWith(RESERVED_PREFIX);
    }

    /**
     * Kafka's rule: 1 to 249 characters of {@code [a-zA-Z0-9._-]}, and not {@code .} or {@code ..}; and not a
     * reserved name ({@link #RESERVED_PREFIX}).
     */
    public static void validateTopicName(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic name must not be empty");
        }
        if (topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("topic name cannot be '" + topic + "'");
        }
        if (topic.length() > MAX_TOPIC_NAME_LENGTH) {
            throw new IllegalArgumentException("topic name is " + topic.length() + " characters; the limit is "
                    + MAX_TOPIC_NAME_LENGTH);
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-')) {
                throw new IllegalArgumentException("topic name '" + topic + "' contains '" + c
                        + "': only ASCII letters, digits, '.', '_' and '-' are allowed");
            }
        }
        if (isReserved(topic)) {
            throw new IllegalArgumentException("topic name '" + topic + "' is reserved: names starting with '"
                    + RESERVED_PREFIX + "' are for the cluster metadata log");
        }
    }

    public String dirName() {
        return topic + "-" + partition;
    }

    /** Parses a partition directory name; empty if it is not one. */
    public static Optional<TopicPartition> fromDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return dirName();
    }
}
