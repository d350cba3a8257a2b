package io.fjord.quorum.raft;

/** Knows the epoch but no leader; may have voted in it. Waits for a leader or its election timeout. */
record UnattachedState(int epoch, int votedFor, long electionDeadlineMs) implements EpochState {
    @Override
    public String name() {
        return "Unattached";
    }
}
