package io.fjord.quorum.controller;

import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fjord.quorum.controller.ApiError.Code.FENCED_LEADER_EPOCH;
import static io.fjord.quorum.controller.ApiError.Code.INELIGIBLE_REPLICA;
import static io.fjord.quorum.controller.ApiError.Code.INVALID_REQUEST;
import static io.fjord.quorum.controller.ApiError.Code.INVALID_UPDATE_VERSION;
import static io.fjord.quorum.controller.ApiError.Code.NOT_LEADER_OR_FOLLOWER;
import static io.fjord.quorum.controller.ApiError.Code.STALE_BROKER_EPOCH;
import static io.fjord.quorum.controller.ApiError.Code.UNKNOWN_TOPIC_OR_PARTITION;
import static io.fjord.quorum.controller.ControllerTestCluster.SESSION_TIMEOUT_MS;
import static io.fjord.quorum.controller.ControllerTestCluster.assertOk;
import static io.fjord.quorum.controller.ControllerTestCluster.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * {@link PartitionControl}: leaders' ISR changes (Kafka's AlterPartition, fenced by broker epoch, leader epoch and
 * partition epoch) and preferred-leader election. "orders" on brokers 1, 2, 3 has orders-0 [1, 2, 3],
 * orders-1 [2, 3, 1], orders-2 [3, 1, 2].
 */
class PartitionControlTest {

    private static ControllerTestCluster cluster() {
        return ControllerTestCluster.create().withBrokers(1, 2, 3).withTopic("orders", 3, 3);
    }

    /** Sends an AlterPartition for orders-0 and checks it is refused with {@code code}, changing nothing. */
    private static void assertAlterRefused(ControllerTestCluster c, ApiError.Code code, int brokerId, long brokerEpoch,
                                           int leaderEpoch, int partitionEpoch, List<Integer> isr) {
        MetadataImage before = c.image();
        ControllerResult<ApiError> result = c.alterPartition(brokerId, brokerEpoch, "orders", 0, leaderEpoch,
                partitionEpoch, isr);
        assertRefused(code, result.response(), result);
        assertSame(before, c.image());
    }

    @Test
    void theLeaderShrinksAndExpandsItsIsr() {
        ControllerTestCluster c = cluster();
        ControllerResult<ApiError> shrink = c.alterPartition("orders", 0, List.of(1, 2));
        assertOk(shrink.response());
        assertEquals(1, shrink.records().size());
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2), 1, 0, 1), c.partition("orders", 0),
                "an ISR change bumps only the partition epoch");

        assertOk(c.alterPartition(1, c.epochOf(1), "orders", 0, 0, 1, List.of(1, 2, 3)).response());
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0, 2), c.partition("orders", 0));
        assertEquals(List.of(2, 3, 1), c.partition("orders", 1).isr(), "other partitions untouched");
    }

    @Test
    void anUnchangedIsrAppendsNothing() {
        ControllerTestCluster c = cluster();
        ControllerResult<ApiError> same = c.alterPartition("orders", 0, List.of(1, 2, 3));
        assertOk(same.response());
        assertEquals(List.of(), same.records());
    }

    @Test
    void aStaleOrUnknownBrokerEpochIsRefused() {
        ControllerTestCluster c = cluster();
        long epoch = c.epochOf(1);
        assertAlterRefused(c, STALE_BROKER_EPOCH, 1, epoch - 1, 0, 0, List.of(1, 2));
        assertAlterRefused(c, STALE_BROKER_EPOCH, 1, epoch + 1, 0, 0, List.of(1, 2));
        assertAlterRefused(c, STALE_BROKER_EPOCH, 9, 1, 0, 0, List.of(1, 2));
    }

    @Test
    void onlyTheLeaderMayChangeTheIsr() {
        ControllerTestCluster c = cluster();
        assertAlterRefused(c, NOT_LEADER_OR_FOLLOWER, 2, c.epochOf(2), 0, 0, List.of(2, 3));
        assertAlterRefused(c, NOT_LEADER_OR_FOLLOWER, 3, c.epochOf(3), 0, 0, List.of(1, 3));
    }

    @Test
    void aFormerLeaderIsRefused() {
        ControllerTestCluster c = cluster();
        c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(1).fenceExpired();
        c.heartbeat(1);
        ControllerResult<ApiError> result = c.alterPartition(1, c.epochOf(1), "orders", 0, 0, 0, List.of(1, 2));
        assertEquals(List.of(), result.records());
        assertEquals(NOT_LEADER_OR_FOLLOWER, result.response().code());
    }

    @Test
    void aStaleLeaderEpochIsFenced() {
        ControllerTestCluster c = cluster();
        c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(1).fenceExpired();
        c.heartbeat(1);
        assertOk(c.alterPartition("orders", 0, List.of(2, 3, 1)).response());
        assertEquals(1, c.electPreferredLeaders().response(), "orders-0 back to broker 1");
        PartitionRegistration p = c.partition("orders", 0);
        assertEquals(1, p.leader());
        assertEquals(2, p.leaderEpoch());

        assertAlterRefused(c, FENCED_LEADER_EPOCH, 1, c.epochOf(1), 0, p.partitionEpoch(), List.of(1, 2));
        assertAlterRefused(c, FENCED_LEADER_EPOCH, 1, c.epochOf(1), 1, p.partitionEpoch(), List.of(1, 2));
        assertAlterRefused(c, FENCED_LEADER_EPOCH, 1, c.epochOf(1), 3, p.partitionEpoch(), List.of(1, 2));
        assertOk(c.alterPartition(1, c.epochOf(1), "orders", 0, 2, p.partitionEpoch(), List.of(1, 2)).response());
    }

    @Test
    void aStalePartitionEpochIsRefused() {
        ControllerTestCluster c = cluster();
        assertOk(c.alterPartition("orders", 0, List.of(1, 2)).response());
        assertAlterRefused(c, INVALID_UPDATE_VERSION, 1, c.epochOf(1), 0, 0, List.of(1));
        assertAlterRefused(c, INVALID_UPDATE_VERSION, 1, c.epochOf(1), 0, 2, List.of(1));
        assertOk(c.alterPartition(1, c.epochOf(1), "orders", 0, 0, 1, List.of(1)).response());
    }

    @Test
    void anIsrMustHoldTheLeaderAndOnlyReplicasOnce() {
        ControllerTestCluster c = cluster().withBrokers(4);
        long epoch = c.epochOf(1);
        assertAlterRefused(c, INVALID_REQUEST, 1, epoch, 0, 0, List.of(2, 3));
        assertAlterRefused(c, INVALID_REQUEST, 1, epoch, 0, 0, List.of());
        assertAlterRefused(c, INVALID_REQUEST, 1, epoch, 0, 0, List.of(1, 4));
        assertAlterRefused(c, INVALID_REQUEST, 1, epoch, 0, 0, List.of(1, 2, 2));
        assertAlterRefused(c, INVALID_REQUEST, 1, epoch, 0, 0, List.of(1, -1));
    }

    @Test
    void aFencedReplicaCannotJoinTheIsr() {
        ControllerTestCluster c = cluster();
        c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(3).fenceExpired();
        PartitionRegistration p = c.partition("orders", 0);
        assertEquals(List.of(1, 2), p.isr());
        assertAlterRefused(c, INELIGIBLE_REPLICA, 1, c.epochOf(1), p.leaderEpoch(), p.partitionEpoch(),
                List.of(1, 2, 3));

        c.heartbeat(3);
        assertOk(c.alterPartition("orders", 0, List.of(1, 2, 3)).response());
    }

    @Test
    void anUnknownPartitionIsRefused() {
        ControllerTestCluster c = cluster();
        for (String topic : new String[] {"orders", "refunds"}) {
            int partition = topic.equals("orders") ? 3 : 0;
            ControllerResult<ApiError> result = c.alterPartition(1, c.epochOf(1), topic, partition, 0, 0,
                    List.of(1));
            assertRefused(UNKNOWN_TOPIC_OR_PARTITION, result.response(), result);
        }
    }

    @Test
    void preferredLeadersAreRestoredOnceBackInTheIsr() {
        ControllerTestCluster c = cluster();
        c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(1).fenceExpired();
        assertEquals(2, c.partition("orders", 0).leader());
        assertEquals(3, c.partition("orders", 2).leader());

        ControllerResult<Integer> fenced = c.electPreferredLeaders();
        assertEquals(0, fenced.response(), "broker 1 is fenced");
        assertEquals(List.of(), fenced.records());

        c.heartbeat(1);
        ControllerResult<Integer> outOfSync = c.electPreferredLeaders();
        assertEquals(0, outOfSync.response(), "broker 1 is not in the ISR yet");
        assertEquals(List.of(), outOfSync.records());

        assertOk(c.alterPartition("orders", 0, List.of(2, 3, 1)).response());
        ControllerResult<Integer> moved = c.electPreferredLeaders();
        assertEquals(1, moved.response());
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(2, 3, 1), 1, 2, 3), c.partition("orders", 0),
                "leader back to 1, ISR unchanged");
        assertEquals(3, c.partition("orders", 2).leader(), "orders-2's preferred leader is 3 already");

        assertEquals(List.of(), c.electPreferredLeaders().records(), "nothing left to move");
    }

    @Test
    void preferredLeaderElectionLeavesOfflinePartitionsAndPreferredLeadersAlone() {
        ControllerTestCluster c = cluster();
        assertOk(c.alterPartition("orders", 1, List.of(2)).response());
        c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(2).fenceExpired();
        assertEquals(PartitionRegistration.NO_LEADER, c.partition("orders", 1).leader());
        ControllerResult<Integer> result = c.electPreferredLeaders();
        assertEquals(List.of(), result.records());
        assertEquals(0, result.response());
    }
}
