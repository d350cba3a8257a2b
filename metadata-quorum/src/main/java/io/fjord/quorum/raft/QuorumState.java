package io.fjord.quorum.raft;

/**
 * What a voter must remember across restarts: the latest epoch it knows, whom it voted for in it, and the leader
 * of it if known ({@link #NONE} for none). Written durably before any vote is answered.
 */
public record QuorumState(int epoch, int votedFor, int leaderId) {
    public static final int NONE = -1;
    public static final QuorumState INITIAL = new QuorumState(0, NONE, NONE);
}
