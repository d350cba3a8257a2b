package io.fjord.quorum.raft;

/** Campaigns in {@code epoch} (persisted, with its vote for itself) and counts votes. */
final class CandidateState implements EpochState {
    private final int epoch;
    private final long deadlineMs;
    private final VoteTally tally;

    CandidateState(int epoch, int localId, long deadlineMs) {
        this.epoch = epoch;
        this.deadlineMs = deadlineMs;
        this.tally = new VoteTally(localId);
    }

    @Override
    public int epoch() {
        return epoch;
    }

    long deadlineMs() {
        return deadlineMs;
    }

    /** Records a grant; returns the number of grants so far. */
    int grant(int voterId) {
        return tally.grant(voterId);
    }

    @Override
    public String name() {
        return "Candidate";
    }
}
