package io.fjord.quorum.raft;

/**
 * Knows the epoch but no leader; may have voted in it. Waits for a leader or its election timeout.
 * {@code abandonedLeaderId} is a leader of this epoch that resigned (see {@link ProspectiveState}).
 */
record UnattachedState(int epoch, int votedFor, long electionDeadlineMs, int abandonedLeaderId) implements EpochState {
    UnattachedState(int epoch, int votedFor, long electionDeadlineMs) {
        this(epoch, votedFor, electionDeadlineMs, QuorumState.NONE);
    }

    @Override
    public String name() {
        return "Unattached";
    }
}
