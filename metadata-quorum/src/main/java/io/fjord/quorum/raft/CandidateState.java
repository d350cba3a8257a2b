package io.fjord.quorum.raft;

import java.util.HashSet;
import java.util.Set;

/** Campaigns in {@code epoch} (persisted, with its vote for itself) and counts votes. */
final class CandidateState implements EpochState {
    private final int epoch;
    private final long deadlineMs;
    private final Set<Integer> grants = new HashSet<>();

    CandidateState(int epoch, int localId, long deadlineMs) {
        this.epoch = epoch;
        this.deadlineMs = deadlineMs;
        grants.add(localId);
    }

    @Override
    public int epoch() {
        return epoch;
    }

    long deadlineMs() {
        return deadlineMs;
    }

    int grant(int voterId) {
        grants.add(voterId);
        return grants.size();
    }

    @Override
    public String name() {
        return "Candidate";
    }
}
