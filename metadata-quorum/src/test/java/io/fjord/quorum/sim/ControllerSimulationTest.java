package io.fjord.quorum.sim;

import io.fjord.storage.testkit.Seeds;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Controller failover under faults: the {@link RaftSimulation} with {@link ControllerWorkload}, so every proposal is
 * a decision of the production controller code over the pending image of a leader whose epoch start is committed.
 * {@value #DEFAULT_SEEDS} seeds by default, {@code -Dfjord.test.seeds=N} for more, {@code -Dfjord.test.seed=N} to
 * replay one.
 */
class ControllerSimulationTest {
    static final int DEFAULT_SEEDS = 200;

    /** What {@link MetadataInvariants} and the decisions report when metadata safety is violated. */
    private static final List<String> METADATA_VIOLATIONS = List.of("does not apply", "hands out broker epoch",
            "reuses topic id", "ISR is empty", "leader is not an unfenced ISR member", "two leaders", "epochs went back",
            "changed without a new partition epoch", "in controlled shutdown became leader", "joined the ISR",
            "differs from the global one", "does not round-trip", "was accepted", "got producer ids",
            "appends records");

    @Test
    void theSimulationExercisesControllerFailover() {
        int topicsCreated = 0;
        int brokersFenced = 0;
        int leaderChanges = 0;
        int runsWithFailover = 0;
        int isrChanges = 0;
        for (long seed = 1; seed <= 20; seed++) {
            ControllerWorkload workload = new ControllerWorkload();
            new RaftSimulation(seed, RaftSimulation.Fault.NONE, workload).run();
            MetadataInvariants committed = workload.invariants();
            topicsCreated += committed.topicsCreated;
            brokersFenced += committed.brokersFenced;
            leaderChanges += committed.leaderChanges;
            isrChanges += committed.isrChanges;
            runsWithFailover += committed.failovers > 0 ? 1 : 0;
        }
        assertTrue(topicsCreated > 20, "topics were created: " + topicsCreated);
        assertTrue(brokersFenced > 20, "brokers were fenced: " + brokersFenced);
        assertTrue(leaderChanges > 20, "partition leaders changed: " + leaderChanges);
        assertTrue(isrChanges > 20, "ISRs changed: " + isrChanges);
        assertTrue(runsWithFailover > 10, "the active controller failed over in most runs: " + runsWithFailover
                + " of 20");
    }

    /** The checker must catch real bugs: a controller that decides before its epoch start commits. */
    @Test
    void earlyActivationIsCaught() {
        assertSomeSeedFails(ControllerWorkload.Fault.EARLY_ACTIVATION);
    }

    /** The checker must catch real bugs: a controller that keeps its pending image across leaderships. */
    @Test
    void keptPendingImageIsCaught() {
        assertSomeSeedFails(ControllerWorkload.Fault.KEEP_PENDING_IMAGE);
    }

    private static void assertSomeSeedFails(ControllerWorkload.Fault fault) {
        for (long seed = 1; seed <= 500; seed++) {
            try {
                new RaftSimulation(seed, RaftSimulation.Fault.NONE, new ControllerWorkload(fault)).run();
            } catch (AssertionError e) {
                String message = e.getMessage();
                if (message.contains("no progress")) {
                    continue; // a liveness failure is not what this test is after
                }
                assertTrue(METADATA_VIOLATIONS.stream().anyMatch(message::contains), "unexpected failure: " + message);
                return;
            }
        }
        throw new AssertionError("500 seeds with " + fault + " found no violation: the invariants are too weak");
    }

    @Test
    void metadataSafetyUnderFaultsAndLivenessAfterHealing() {
        Seeds.run(getClass(), "metadataSafetyUnderFaultsAndLivenessAfterHealing", DEFAULT_SEEDS, seed -> {
            RaftSimulation simulation = new RaftSimulation(seed, RaftSimulation.Fault.NONE, new ControllerWorkload());
            try {
                simulation.run();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(simulation.describe() + ": " + e.getMessage(), e);
            }
        });
    }
}
