package io.fjord.quorum.controller;

import io.fjord.quorum.controller.PartitionLeaderElection.Election;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.fjord.quorum.controller.PartitionLeaderElection.NO_LEADER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PartitionLeaderElectionTest {
    private static final boolean CLEAN = false;
    private static final boolean UNCLEAN = true;

    /** replicas, isr, fenced brokers, unclean.leader.election.enable → leader, isr, unclean. */
    static Stream<Arguments> elections() {
        return Stream.of(
            row("first replica in the ISR", l(1, 2, 3), l(1, 2, 3), Set.of(), CLEAN, 1, l(1, 2, 3), false),
            row("assignment order decides, not ISR order", l(1, 2, 3), l(3, 2), Set.of(), CLEAN, 2, l(3, 2), false),
            row("the ISR keeps its order", l(3, 1, 2), l(2, 1, 3), Set.of(), CLEAN, 3, l(2, 1, 3), false),
            row("a fenced preferred leader is skipped", l(1, 2, 3), l(1, 2, 3), Set.of(1), CLEAN, 2, l(1, 2, 3), false),
            row("fenced ISR members are skipped", l(1, 2, 3), l(1, 2, 3), Set.of(1, 2), CLEAN, 3, l(1, 2, 3), false),
            row("clean election wins over unclean", l(1, 2, 3), l(3), Set.of(), UNCLEAN, 3, l(3), false),
            row("all fenced: offline, ISR kept", l(1, 2, 3), l(1, 2), Set.of(1, 2, 3), CLEAN, NO_LEADER, l(1, 2),
                    false),
            row("all fenced, unclean on: still offline", l(1, 2, 3), l(2), Set.of(1, 2, 3), UNCLEAN, NO_LEADER, l(2),
                    false),
            row("ISR fenced, unclean off: offline", l(1, 2, 3), l(2), Set.of(2), CLEAN, NO_LEADER, l(2), false),
            row("ISR fenced, unclean picks first unfenced", l(1, 2, 3), l(2), Set.of(2), UNCLEAN, 1, l(1), true),
            row("unclean skips fenced replicas", l(1, 2, 3), l(1), Set.of(1, 2), UNCLEAN, 3, l(3), true),
            row("empty ISR, unclean off: offline", l(1, 2, 3), l(), Set.of(), CLEAN, NO_LEADER, l(), false),
            row("empty ISR, unclean on", l(4, 5, 6), l(), Set.of(4), UNCLEAN, 5, l(5), true),
            row("ISR members outside the replicas are not elected", l(1, 2), l(9, 2), Set.of(2), CLEAN, NO_LEADER,
                    l(9, 2), false),
            row("no replicas", l(), l(), Set.of(), UNCLEAN, NO_LEADER, l(), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elections")
    void electsByTheTable(String name, List<Integer> replicas, List<Integer> isr, Set<Integer> fenced, boolean unclean,
            Election expected) {
        assertEquals(expected, PartitionLeaderElection.elect(replicas, isr, id -> !fenced.contains(id), unclean));
    }

    @Test
    void theResultDoesNotAliasTheInput() {
        List<Integer> isr = new java.util.ArrayList<>(l(1, 2));
        Election election = PartitionLeaderElection.elect(l(1, 2), isr, id -> true, false);
        isr.clear();
        assertEquals(l(1, 2), election.isr());
        assertThrows(UnsupportedOperationException.class, () -> election.isr().add(3));
        assertTrue(election.hasLeader());
        assertFalse(new Election(NO_LEADER, l(1), false).hasLeader());
    }

    @Test
    void preferredLeaderIsTheFirstReplica() {
        assertEquals(3, PartitionLeaderElection.preferredLeader(l(3, 1, 2)));
        assertEquals(NO_LEADER, PartitionLeaderElection.preferredLeader(l()));
    }

    @Test
    void preferredIsEligibleOnlyWhenInTheIsrAndUnfenced() {
        assertTrue(PartitionLeaderElection.preferredIsEligible(l(3, 1), l(1, 3), id -> true));
        assertFalse(PartitionLeaderElection.preferredIsEligible(l(3, 1), l(1), id -> true), "out of the ISR");
        assertFalse(PartitionLeaderElection.preferredIsEligible(l(3, 1), l(1, 3), id -> id != 3), "fenced");
        assertFalse(PartitionLeaderElection.preferredIsEligible(l(), l(), id -> true), "no replicas");
    }

    private static Arguments row(String name, List<Integer> replicas, List<Integer> isr, Set<Integer> fenced,
            boolean uncleanEnabled, int leader, List<Integer> expectedIsr, boolean unclean) {
        return arguments(name, replicas, isr, fenced, uncleanEnabled, new Election(leader, expectedIsr, unclean));
    }

    private static List<Integer> l(Integer... ids) {
        return List.of(ids);
    }
}
