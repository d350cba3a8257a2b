package io.fjord.quorum.raft;

import java.util.List;

/**
 * A leader that is shutting down: it takes no more appends and has asked the voters to elect a successor. If no
 * successor's epoch reaches it by {@code electionDeadlineMs} (say, a single-voter quorum, or lost messages), it
 * stands for election again itself; until then it repeats EndQuorumEpoch every request timeout.
 */
record ResignedState(int epoch, int leaderId, long electionDeadlineMs, List<Integer> preferredSuccessors,
                     long lastEndQuorumSentMs) implements EpochState {
    ResignedState withEndQuorumSentAt(long nowMs) {
        return new ResignedState(epoch, leaderId, electionDeadlineMs, preferredSuccessors, nowMs);
    }

    @Override
    public String name() {
        return "Resigned";
    }
}
