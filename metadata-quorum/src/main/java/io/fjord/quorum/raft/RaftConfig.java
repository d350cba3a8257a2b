package io.fjord.quorum.raft;

/**
 * Timing and sizing of the quorum.
 *
 * @param electionTimeoutMs  base election timeout; each wait is randomized in [base, 2 * base)
 * @param fetchTimeoutMs     a follower that has not heard from its leader for this long starts an election
 * @param requestTimeoutMs   an unanswered request is sent again after this long
 * @param fetchMaxEntries    entries returned by one fetch at most
 * @param snapshotChunkBytes bytes of a snapshot returned by one FetchSnapshot at most
 *
 * <p>A follower's fetch waits at most {@link #fetchMaxWaitMs()} at the leader (half the request timeout, so the
 * answer comes back before the follower gives up on it).
 */
public record RaftConfig(long electionTimeoutMs, long fetchTimeoutMs, long requestTimeoutMs, int fetchMaxEntries,
                         int snapshotChunkBytes) {
    public RaftConfig {
        if (electionTimeoutMs <= 0 || fetchTimeoutMs <= 0 || requestTimeoutMs <= 0 || fetchMaxEntries <= 0
                || snapshotChunkBytes <= 0) {
            throw new IllegalArgumentException("quorum timeouts and fetch sizes must be positive: " + this);
        }
    }

    /** Bytes of entry data in one fetch answer at most (one entry always fits): well under a transport message. */
    public static final long FETCH_MAX_BYTES = 8L << 20;

    public long fetchMaxWaitMs() {
        return requestTimeoutMs / 2;
    }

    public static RaftConfig defaults() {
        return new RaftConfig(1000, 2000, 500, 500, 1 << 20);
    }
}
