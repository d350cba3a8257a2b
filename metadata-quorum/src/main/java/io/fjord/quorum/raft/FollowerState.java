package io.fjord.quorum.raft;

/** Follows {@code leaderId} in {@code epoch}: fetches from it, one request in flight at a time. */
final class FollowerState implements EpochState {
    private final int epoch;
    private final int leaderId;
    private final int votedFor;
    private long fetchDeadlineMs;
    private long fetchInFlightUntilMs = Long.MIN_VALUE;
    private long outstandingCorrelationId = -1;
    private SnapshotDownload download;

    /** A snapshot being fetched from the leader, chunk by chunk. */
    static final class SnapshotDownload {
        private final OffsetAndEpoch id;
        private final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();

        SnapshotDownload(OffsetAndEpoch id) {
            this.id = id;
        }

        OffsetAndEpoch id() {
            return id;
        }

        long position() {
            return data.size();
        }

        void append(byte[] chunk) {
            data.writeBytes(chunk);
        }

        byte[] bytes() {
            return data.toByteArray();
        }
    }

    FollowerState(int epoch, int leaderId, int votedFor, long fetchDeadlineMs) {
        this.epoch = epoch;
        this.leaderId = leaderId;
        this.votedFor = votedFor;
        this.fetchDeadlineMs = fetchDeadlineMs;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public int leaderId() {
        return leaderId;
    }

    int votedFor() {
        return votedFor;
    }

    long fetchDeadlineMs() {
        return fetchDeadlineMs;
    }

    /** The leader answered: the fetch timeout starts again. */
    void heardFromLeader(long nowMs, long fetchTimeoutMs) {
        fetchDeadlineMs = nowMs + fetchTimeoutMs;
        fetchInFlightUntilMs = Long.MIN_VALUE;
    }

    boolean canSendFetch(long nowMs) {
        return nowMs >= fetchInFlightUntilMs;
    }

    /** A fetch with {@code correlationId} (unique for the node's lifetime) is now in flight. */
    void fetchSent(long nowMs, long requestTimeoutMs, long correlationId) {
        fetchInFlightUntilMs = nowMs + requestTimeoutMs;
        outstandingCorrelationId = correlationId;
    }

    /** Whether a response answers the fetch in flight (not a duplicate, not an answer to an abandoned one). */
    boolean isOutstanding(long correlationId) {
        return correlationId == outstandingCorrelationId && fetchInFlightUntilMs != Long.MIN_VALUE;
    }

    /** The snapshot being fetched, or null when fetching entries. */
    SnapshotDownload download() {
        return download;
    }

    void startDownload(OffsetAndEpoch id) {
        download = new SnapshotDownload(id);
    }

    void endDownload() {
        download = null;
    }

    @Override
    public String name() {
        return "Follower";
    }
}
