package io.fjord.quorum.sim;

import io.fjord.quorum.raft.QuorumState;
import io.fjord.quorum.raft.QuorumStateStore;

/** Durable by contract: a write is on "disk" when it returns, unless a test makes it lose everything. */
final class InMemoryQuorumStateStore implements QuorumStateStore {
    private QuorumState state = QuorumState.INITIAL;

    @Override
    public QuorumState read() {
        return state;
    }

    @Override
    public void write(QuorumState newState) {
        state = newState;
    }

    /** The FORGET_VOTES_ON_CRASH fault: the store lies about durability. */
    void loseEverything() {
        state = QuorumState.INITIAL;
    }
}
