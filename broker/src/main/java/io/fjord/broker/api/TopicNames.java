package io.fjord.broker.api;

import io.fjord.storage.log.TopicPartition;

/** Topic name checks for requests (the storage rules: length, characters, reserved names). */
final class TopicNames {
    private TopicNames() {
    }

    /** Null if {@code name} is a valid topic name, else why not. */
    static String problem(String name) {
        try {
            TopicPartition.validateTopicName(name);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static boolean isValid(String name) {
        return problem(name) == null;
    }
}
