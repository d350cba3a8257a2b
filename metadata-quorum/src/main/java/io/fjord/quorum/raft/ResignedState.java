package io.fjord.quorum.raft;

/**
 * A leader that is shutting down: it takes no more appends and has asked the voters to elect a successor. If no
 * successor's epoch reaches it by {@code electionDeadlineMs} (say, a single-voter quorum, or lost messages), it
 * stands for election again itself.
 */
record ResignedState(int epoch, int leaderId, long electionDeadlineMs) implements EpochState {
    @Override
    public String name() {
        return "Resigned";
    }
}
