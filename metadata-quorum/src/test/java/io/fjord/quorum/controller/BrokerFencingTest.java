package io.fjord.quorum.controller;

import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.quorum.controller.BrokerControl.HeartbeatAnswer;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fjord.quorum.controller.ControllerTestCluster.SESSION_TIMEOUT_MS;
import static io.fjord.quorum.controller.ControllerTestCluster.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What happens to partitions when a broker leaves (its lease lapses, or it shuts down in a controlled way) and comes
 * back. "orders" on brokers 1, 2, 3 is placed as orders-0 [1, 2, 3], orders-1 [2, 3, 1], orders-2 [3, 1, 2].
 */
class BrokerFencingTest {
    private static final int NO_LEADER = PartitionRegistration.NO_LEADER;

    private static ControllerTestCluster threeBrokers(int partitions) {
        return ControllerTestCluster.create().withBrokers(1, 2, 3).withTopic("orders", partitions, 3);
    }

    /** Lets the sessions of {@code silent} lapse while the others heartbeat, then fences the lapsed. */
    private static ControllerResult<List<Integer>> lapse(ControllerTestCluster c, int... silent) {
        c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(silent);
        return c.fenceExpired();
    }

    @Test
    void aBrokerIsFencedWhenItsSessionLapses() {
        ControllerTestCluster c = threeBrokers(3);
        c.advance(SESSION_TIMEOUT_MS - 1).heartbeatAllBut(1);
        ControllerResult<List<Integer>> early = c.fenceExpired();
        assertEquals(List.of(), early.response());
        assertEquals(List.of(), early.records());

        c.advance(1).heartbeatAllBut(1);
        ControllerResult<List<Integer>> expired = c.fenceExpired();
        assertEquals(List.of(1), expired.response());
        assertTrue(c.broker(1).fenced());
        assertTrue(expired.records().get(expired.records().size() - 1).hasFenceBroker());
        assertEquals(List.of(), c.ledBy("orders", 1));
        assertFalse(c.inAnyIsr(1));

        c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(1);
        assertEquals(List.of(), c.fenceExpired().records(), "a fenced broker is fenced once");
    }

    @Test
    void leadershipMovesToTheNextInSyncReplicaInAssignmentOrder() {
        ControllerTestCluster c = threeBrokers(1);
        assertOk(c.alterPartition("orders", 0, List.of(1, 3, 2)).response());
        PartitionRegistration before = c.partition("orders", 0);

        lapse(c, 1);

        PartitionRegistration after = c.partition("orders", 0);
        assertEquals(2, after.leader(), "replica order [1, 2, 3] decides, not ISR order [1, 3, 2]");
        assertEquals(List.of(3, 2), after.isr());
        assertEquals(before.leaderEpoch() + 1, after.leaderEpoch());
        assertEquals(before.partitionEpoch() + 1, after.partitionEpoch(), "one change, one partition epoch");
    }

    @Test
    void aFencedBrokerLeavesEveryIsrWithoutDisturbingOtherLeaders() {
        ControllerTestCluster c = threeBrokers(3);
        lapse(c, 1);
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(2, 3), 2, 1, 1), c.partition("orders", 0));
        assertEquals(new PartitionRegistration(List.of(2, 3, 1), List.of(2, 3), 2, 0, 1), c.partition("orders", 1));
        assertEquals(new PartitionRegistration(List.of(3, 1, 2), List.of(3, 2), 3, 0, 1), c.partition("orders", 2));
    }

    @Test
    void fencingSeveralBrokersAtOnceElectsOnlyLiveLeaders() {
        ControllerTestCluster c = threeBrokers(3);
        assertEquals(List.of(1, 2), lapse(c, 1, 2).response());
        for (int p = 0; p < 3; p++) {
            assertEquals(3, c.partition("orders", p).leader(), "orders-" + p);
            assertEquals(List.of(3), c.partition("orders", p).isr(), "orders-" + p);
        }
    }

    @Test
    void aPartitionWhoseLastInSyncReplicaIsFencedGoesOfflineKeepingItsIsr() {
        ControllerTestCluster c = threeBrokers(1).withTopic("logs", 3, 1);
        assertOk(c.alterPartition("orders", 0, List.of(1)).response());
        int logsOnOne = c.ledBy("logs", 1).get(0);

        lapse(c, 1);

        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(1), NO_LEADER, 1, 2),
                c.partition("orders", 0), "replicas 2 and 3 are out of sync: no clean leader");
        assertEquals(new PartitionRegistration(List.of(1), List.of(1), NO_LEADER, 1, 1),
                c.partition("logs", logsOnOne));
    }

    @Test
    void anOutOfSyncReplicaIsElectedWhenTheTopicAllowsUncleanElection() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2, 3)
                .withTopic("orders", 1, 3, Map.of(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, "true"));
        assertOk(c.alterPartition("orders", 0, List.of(1)).response());

        lapse(c, 1);
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(2), 2, 1, 2), c.partition("orders", 0));
        lapse(c, 2);
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(3), 3, 2, 3), c.partition("orders", 0));
        lapse(c, 3);
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(3), NO_LEADER, 3, 4),
                c.partition("orders", 0), "no live replica at all: offline, the ISR kept");
    }

    @Test
    void theClusterDefaultForUncleanElectionAppliesUnlessTheTopicOverridesIt() {
        ControllerTestCluster c = ControllerTestCluster.create(true).withBrokers(1, 2, 3).withTopic("orders", 1, 3)
                .withTopic("payments", 3, 3, Map.of(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, "false"));
        int paymentsOnOne = c.ledBy("payments", 1).get(0);
        assertOk(c.alterPartition("orders", 0, List.of(1)).response());
        assertOk(c.alterPartition("payments", paymentsOnOne, List.of(1)).response());

        lapse(c, 1);
        assertEquals(2, c.partition("orders", 0).leader());
        assertEquals(NO_LEADER, c.partition("payments", paymentsOnOne).leader());
    }

    @Test
    void aReturningBrokerLeadsTheOfflinePartitionsWhoseIsrItIsIn() {
        ControllerTestCluster c = threeBrokers(1);
        assertOk(c.alterPartition("orders", 0, List.of(1)).response());
        lapse(c, 1, 2);
        assertEquals(NO_LEADER, c.partition("orders", 0).leader());

        ControllerResult<HeartbeatAnswer> two = c.heartbeat(2);
        assertFalse(two.response().fenced());
        assertEquals(NO_LEADER, c.partition("orders", 0).leader(), "broker 2 is not in the ISR [1]");

        ControllerResult<HeartbeatAnswer> one = c.heartbeat(1);
        assertFalse(one.response().fenced());
        assertTrue(one.records().get(0).hasUnfenceBroker(), "unfenced first, then elected");
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(1), 1, 2, 3), c.partition("orders", 0));
    }

    @Test
    void enablingUncleanElectionLetsAReturningOutOfSyncReplicaLead() {
        ControllerTestCluster c = threeBrokers(1);
        assertOk(c.alterPartition("orders", 0, List.of(1)).response());
        lapse(c, 1, 2, 3);
        assertOk(c.alterConfigs("orders", Map.of(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, "true"), Set.of())
                .response().error());

        c.heartbeat(3);
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(3), 3, 2, 3), c.partition("orders", 0));
    }

    @Test
    void aReturningBrokerRejoinsIsrsOnlyThroughTheirLeaders() {
        ControllerTestCluster c = threeBrokers(3);
        lapse(c, 2);
        MetadataImage fenced = c.image();
        ControllerResult<HeartbeatAnswer> back = c.heartbeat(2);
        assertFalse(back.response().fenced());
        assertEquals(1, back.records().size(), "only the unfencing");
        assertEquals(fenced.topic("orders"), c.image().topic("orders"));
        assertFalse(c.inAnyIsr(2));

        assertOk(c.alterPartition("orders", 0, List.of(1, 3, 2)).response());
        assertEquals(List.of(1, 3, 2), c.partition("orders", 0).isr());
    }

    @Test
    void controlledShutdownMovesLeadershipsAwayAndThenReleasesTheBroker() {
        ControllerTestCluster c = threeBrokers(3);
        MetadataImage before = c.image();
        ControllerResult<HeartbeatAnswer> result = c.shutdown(1);

        assertOk(result.response().error());
        assertTrue(result.response().shouldShutDown());
        assertTrue(result.response().fenced());
        List<MetadataRecord> records = result.records();
        assertTrue(records.get(0).hasBrokerRegistrationChange());
        assertTrue(records.get(0).getBrokerRegistrationChange().getInControlledShutdown());
        assertTrue(records.get(records.size() - 1).hasFenceBroker(), "released last");
        MetadataImage beforeRelease = before.apply(records.subList(0, records.size() - 1), before.endOffset() + 1);
        assertTrue(beforeRelease.brokers().get(1).inControlledShutdown());
        assertEquals(List.of(), beforeRelease.topic("orders").partitions().values().stream()
                .filter(p -> p.leader() == 1 || p.isr().contains(1)).toList(), "leaderships moved before release");

        assertTrue(c.broker(1).fenced());
        assertFalse(c.broker(1).inControlledShutdown());
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(2, 3), 2, 1, 1), c.partition("orders", 0));
        assertFalse(c.inAnyIsr(1));

        c.advance(SESSION_TIMEOUT_MS * 2).heartbeatAllBut(1);
        assertEquals(List.of(), c.fenceExpired().records(), "a released broker is not fenced again");
    }

    @Test
    void aShuttingDownBrokerIsReleasedOnlyOnceItHasAppliedItsLeadershipMoves() {
        ControllerTestCluster c = threeBrokers(3);
        long before = c.image().endOffset();
        ControllerResult<HeartbeatAnswer> first = c.heartbeat(1, c.epochOf(1), before, true);
        assertFalse(first.response().shouldShutDown(), "leaderships move first");
        assertFalse(first.records().isEmpty());
        ControllerResult<HeartbeatAnswer> behind = c.heartbeat(1, c.epochOf(1), before, true);
        assertFalse(behind.response().shouldShutDown(), "it has not applied the moves yet: it may still act as leader");
        assertEquals(List.of(), behind.records());
        ControllerResult<HeartbeatAnswer> caughtUp = c.heartbeat(1, c.epochOf(1), c.image().endOffset(), true);
        assertTrue(caughtUp.response().shouldShutDown());
        assertTrue(c.broker(1).fenced());
    }

    @Test
    void aShuttingDownLastInSyncReplicaTakesItsPartitionOffline() {
        ControllerTestCluster c = threeBrokers(1);
        assertOk(c.alterPartition("orders", 0, List.of(1)).response());
        ControllerResult<HeartbeatAnswer> result = c.shutdown(1);
        assertTrue(result.response().shouldShutDown(), "it leads nothing any more");
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(1), NO_LEADER, 1, 2),
                c.partition("orders", 0));

        c.advance(1_000);
        assertOk(c.registerNewIncarnation(1).response().error());
        c.heartbeat(1);
        assertEquals(1, c.partition("orders", 0).leader(), "the restarted broker leads again");
    }

    @Test
    void aBrokerLeadingNothingIsReleasedAndAFencedOneAtOnceWithoutRecords() {
        ControllerTestCluster c = threeBrokers(1).withFencedBroker(4).withBrokers(5);
        ControllerResult<HeartbeatAnswer> idle = c.shutdown(5);
        assertTrue(idle.response().shouldShutDown());
        assertTrue(c.broker(5).fenced());

        MetadataImage before = c.image();
        ControllerResult<HeartbeatAnswer> fenced = c.shutdown(4);
        assertOk(fenced.response().error());
        assertTrue(fenced.response().shouldShutDown());
        assertTrue(fenced.response().fenced());
        assertEquals(List.of(), fenced.records());
        assertSame(before, c.image());
    }
}
