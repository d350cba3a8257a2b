package io.fjord.quorum.controller;

/** A controller outcome: a Kafka error code and a message for people. {@link #NONE} is success. */
public record ApiError(Code code, String message) {
    public static final ApiError NONE = new ApiError(Code.NONE, "");

    /** Kafka's error names, the subset the controller answers with. */
    public enum Code {
        NONE, INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS,
        INVALID_REPLICATION_FACTOR, INVALID_CONFIG, INVALID_REQUEST, STALE_BROKER_EPOCH, BROKER_ID_NOT_REGISTERED,
        DUPLICATE_BROKER_REGISTRATION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION,
        INELIGIBLE_REPLICA, PREFERRED_LEADER_NOT_AVAILABLE, ELECTION_NOT_NEEDED, NOT_CONTROLLER, UNKNOWN_TOPIC_ID
    }

    public static ApiError of(Code code, String message) {
        return new ApiError(code, message);
    }

    public boolean isSuccess() {
        return code == Code.NONE;
    }
}
