package io.fjord.quorum.sim;

import io.fjord.storage.testkit.Seeds;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * Deterministic simulation of the metadata quorum: {@value #DEFAULT_SEEDS} seeds by default,
 * {@code -Dfjord.test.seeds=10000} (or {@code -Psoak}) for thousands, {@code -Dfjord.test.seed=N} to replay one.
 */
class RaftSimulationTest {
    static final int DEFAULT_SEEDS = 300;

    @Test
    void theSimulationExercisesElectionsCrashesAndCommits() {
        int committedTotal = 0;
        int reelections = 0;
        int snapshots = 0;
        int installs = 0;
        for (long seed = 1; seed <= 20; seed++) {
            RaftSimulation simulation = new RaftSimulation(seed);
            simulation.run();
            committedTotal += simulation.committedCount();
            reelections += simulation.maxEpoch() > 1 ? 1 : 0;
            snapshots += simulation.snapshotsTaken();
            installs += simulation.snapshotsInstalled();
        }
        assertTrue(committedTotal > 20 * 20, "entries were committed under faults: " + committedTotal);
        assertTrue(reelections > 10, "leaders changed in most runs: " + reelections + " of 20");
        assertTrue(snapshots > 20, "snapshots were taken: " + snapshots);
        assertTrue(installs > 5, "replicas behind the log start caught up through FetchSnapshot: " + installs);
    }

    /** The checker must catch real bugs: votes that are not durable allow two leaders or double votes. */
    @Test
    void forgottenVotesAreCaught() {
        assertSomeSeedFails(RaftSimulation.Fault.FORGET_VOTES_ON_CRASH);
    }

    /** The checker must catch real bugs: a disk that ignores fsync loses acknowledged, committed entries. */
    @Test
    void ignoredFsyncIsCaught() {
        assertSomeSeedFails(RaftSimulation.Fault.IGNORE_FSYNC);
    }

    private static void assertSomeSeedFails(RaftSimulation.Fault fault) {
        for (long seed = 1; seed <= 2000; seed++) {
            try {
                new RaftSimulation(seed, fault).run();
            } catch (AssertionError e) {
                String message = e.getMessage();
                if (message.contains("no progress")) {
                    continue; // a liveness failure is not what this test is after
                }
                assertTrue(SAFETY_VIOLATIONS.stream().anyMatch(message::contains), "unexpected failure: " + message);
                return;
            }
        }
        throw new AssertionError("2000 seeds with " + fault + " found no violation: the invariants are too weak");
    }

    private static final java.util.List<String> SAFETY_VIOLATIONS = java.util.List.of("two leaders",
            "granted votes to", "at committed offset", "below committed entries", "lacks committed entry",
            "high watermark went back", "below its high watermark", "is durable on only");

    @Test
    void safetyUnderFaultsAndLivenessAfterHealing() {
        Seeds.run(getClass(), "safetyUnderFaultsAndLivenessAfterHealing", DEFAULT_SEEDS, seed -> {
            RaftSimulation simulation = new RaftSimulation(seed);
            try {
                simulation.run();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(simulation.describe() + ": " + e.getMessage(), e);
            }
        });
    }
}
