package io.fjord.storage.log;

import java.util.Optional;

/** A topic name and partition number; its log lives in directory {@code <topic>-<partition>}. */
public record TopicPartition(String topic, int partition) {
    public TopicPartition {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic name must not be empty");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition);
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
