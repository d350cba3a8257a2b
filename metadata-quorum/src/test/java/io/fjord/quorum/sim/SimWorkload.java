package io.fjord.quorum.sim;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.RaftNode;

import java.util.Collection;
import java.util.Random;

/**
 * What the simulated cluster replicates: the {@link RaftSimulation} asks it for entries to append and tells it what
 * became committed, so a state machine above the quorum can check its own invariants under the same faults.
 * Everything is driven by the simulation's single seed through the {@code random} it is handed. Not thread-safe: the
 * simulation is single-threaded.
 */
interface SimWorkload {
    /**
     * The bytes to append at {@code leader} now, or null for nothing now. Called every 20-220 ms during the chaos
     * phase at a random node that believes it leads (a deposed leader too); the simulation appends what it returns
     * at once, at {@code log.endOffset()}.
     */
    byte[] propose(RaftNode leader, InMemoryRaftLog log, Random random, long nowMs);

    /** The entry appended after healing, whose commit on every node shows liveness. */
    byte[] livenessEntry(long seed);

    /**
     * An entry became committed (some node's high watermark passed it, or a snapshot holding it appeared): called
     * once per offset, in offset order. Throws {@link AssertionError} on a violated invariant.
     */
    void committed(LogEntry entry);

    /** After the liveness check succeeded: every node is live, with its committed prefix. */
    void healed(Collection<RaftNode> nodes);

    /** What the workload did, for the run's statistics; empty if nothing to add. */
    String stats();

    /** The default: random bytes from any node that believes it leads, so histories diverge deeply. */
    SimWorkload RANDOM_BYTES = new SimWorkload() {
        @Override
        public byte[] propose(RaftNode leader, InMemoryRaftLog log, Random random, long nowMs) {
            byte[] data = new byte[1 + random.nextInt(16)];
            random.nextBytes(data);
            return data;
        }

        @Override
        public byte[] livenessEntry(long seed) {
            return ("after-heal-" + seed).getBytes();
        }

        @Override
        public void committed(LogEntry entry) {
        }

        @Override
        public void healed(Collection<RaftNode> nodes) {
        }

        @Override
        public String stats() {
            return "";
        }
    };
}
