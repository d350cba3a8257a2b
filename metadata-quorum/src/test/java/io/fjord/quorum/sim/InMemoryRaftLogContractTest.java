package io.fjord.quorum.sim;

import io.fjord.quorum.raft.RaftLog;

class InMemoryRaftLogContractTest extends RaftLogContractTest {
    @Override
    protected RaftLog newLog() {
        return new InMemoryRaftLog(false);
    }
}
