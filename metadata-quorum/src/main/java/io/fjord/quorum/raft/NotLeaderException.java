package io.fjord.quorum.raft;

/** An append reached a node that is not the leader; names the leader and epoch it knows, if any. */
public class NotLeaderException extends RuntimeException {
    private final int leaderId;
    private final int epoch;

    public NotLeaderException(int leaderId, int epoch) {
        super("not the leader of epoch " + epoch + (leaderId == QuorumState.NONE ? "; leader unknown"
                : "; the leader is node " + leaderId));
        this.leaderId = leaderId;
        this.epoch = epoch;
    }

    public int leaderId() {
        return leaderId;
    }

    public int epoch() {
        return epoch;
    }
}
