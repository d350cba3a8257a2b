package io.fjord.quorum.raft;

/**
 * Pre-vote round: asks the voters whether they would vote for it in {@code epoch + 1}, without changing anyone's
 * epoch, so a node cut off from the quorum cannot disrupt it by bumping epochs. Keeps the vote it cast in
 * {@code epoch}, if any, and the leader it gave up on ({@code abandonedLeaderId}): other voters' hints naming that
 * leader are ignored, or voters that timed out on a dead leader would keep leading each other back to it. (If that
 * leader is in fact alive, it calls this voter back itself with BeginQuorumEpoch.)
 */
final class ProspectiveState implements EpochState {
    private final int epoch;
    private final int votedFor;
    private final int abandonedLeaderId;
    private final long deadlineMs;
    private final VoteTally tally;

    ProspectiveState(int epoch, int votedFor, int abandonedLeaderId, int localId, long deadlineMs) {
        this.epoch = epoch;
        this.votedFor = votedFor;
        this.abandonedLeaderId = abandonedLeaderId;
        this.deadlineMs = deadlineMs;
        this.tally = new VoteTally(localId);
    }

    @Override
    public int epoch() {
        return epoch;
    }

    int votedFor() {
        return votedFor;
    }

    int abandonedLeaderId() {
        return abandonedLeaderId;
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
        return "Prospective";
    }
}
