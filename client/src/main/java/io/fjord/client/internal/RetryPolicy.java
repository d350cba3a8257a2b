package io.fjord.client.internal;

import io.fjord.proto.v1.ErrorCode;

/**
 * Which broker answers are worth retrying, which call for fresh metadata first, and when a retry may still happen.
 * Pure: no clocks, times are passed in. Stateless; thread-safe.
 */
public final class RetryPolicy {
    /** What to do with a failed batch. */
    public enum Decision { RETRY, FAIL }

    private RetryPolicy() {
    }

    /** Errors that may go away on their own: a leader moving, an election, a broker catching up. */
    public static boolean isRetriable(ErrorCode code) {
        switch (code) {
            case NOT_LEADER_OR_FOLLOWER:
            case LEADER_NOT_AVAILABLE:
            case UNKNOWN_TOPIC_OR_PARTITION:
            case REQUEST_TIMED_OUT:
            case NOT_ENOUGH_REPLICAS:
            case FENCED_LEADER_EPOCH:
            case UNKNOWN_LEADER_EPOCH:
            case NOT_CONTROLLER:
            case STORAGE_ERROR: // Kafka's KAFKA_STORAGE_ERROR: the log dir went offline; leadership will move
                return true;
            default:
                return false;
        }
    }

    /** Errors after which the client's picture of leaders is probably stale. */
    public static boolean needsMetadataRefresh(ErrorCode code) {
        switch (code) {
            case NOT_LEADER_OR_FOLLOWER:
            case LEADER_NOT_AVAILABLE:
            case UNKNOWN_TOPIC_OR_PARTITION:
            case FENCED_LEADER_EPOCH:
            case UNKNOWN_LEADER_EPOCH:
            case STORAGE_ERROR:
                return true;
            default:
                return false;
        }
    }

    /**
     * Whether a batch that failed with a retriable error is retried: only while it has attempts left and a retry,
     * after {@code retryBackoffMs}, would still start before its delivery deadline.
     *
     * @param attempts how many times the batch has been sent so far (1 after the first failure)
     */
    public static Decision decide(boolean retriable, int attempts, int retries, long nowMs, long retryBackoffMs,
                                  long deliveryDeadlineMs) {
        if (!retriable || attempts > retries) {
            return Decision.FAIL;
        }
        return nowMs + retryBackoffMs < deliveryDeadlineMs ? Decision.RETRY : Decision.FAIL;
    }
}
