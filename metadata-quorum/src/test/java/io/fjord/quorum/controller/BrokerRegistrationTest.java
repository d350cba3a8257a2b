package io.fjord.quorum.controller;

import io.fjord.quorum.controller.BrokerControl.HeartbeatAnswer;
import io.fjord.quorum.controller.BrokerControl.Registration;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.fjord.quorum.controller.ApiError.Code.BROKER_ID_NOT_REGISTERED;
import static io.fjord.quorum.controller.ApiError.Code.DUPLICATE_BROKER_REGISTRATION;
import static io.fjord.quorum.controller.ApiError.Code.STALE_BROKER_EPOCH;
import static io.fjord.quorum.controller.ControllerTestCluster.SESSION_TIMEOUT_MS;
import static io.fjord.quorum.controller.ControllerTestCluster.assertOk;
import static io.fjord.quorum.controller.ControllerTestCluster.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BrokerControl}'s BrokerRegistration and BrokerHeartbeat answers, and producer-id blocks. Fencing on lease
 * expiry and controlled shutdown are in {@link BrokerFencingTest}.
 */
class BrokerRegistrationTest {

    @Test
    void everyRegistrationGetsAHigherEpochAndStartsFenced() {
        ControllerTestCluster c = ControllerTestCluster.create();
        long previous = 0;
        for (int id : new int[] {3, 1, 2}) {
            ControllerResult<Registration> result = c.register(id, "rack-" + id);
            assertOk(result.response().error());
            assertTrue(result.response().brokerEpoch() > previous, "epoch " + result.response().brokerEpoch());
            previous = result.response().brokerEpoch();
            BrokerRegistration b = c.broker(id);
            assertEquals(previous, b.epoch());
            assertTrue(b.fenced(), "a broker registers fenced");
            assertFalse(b.inControlledShutdown());
            assertEquals("rack-" + id, b.rack());
            assertEquals(List.of(new BrokerRegistration.Endpoint("CLIENT", "b" + id, 9092)), b.endpoints());
        }
        assertEquals(previous, c.image().lastBrokerEpoch());
        long first = c.epochOf(1);
        c.advance(SESSION_TIMEOUT_MS);
        assertOk(c.registerNewIncarnation(1).response().error());
        assertTrue(c.epochOf(1) > previous, "a re-registration is a new epoch too, never one used before");
        assertTrue(c.epochOf(1) > first);
    }

    @Test
    void theSameProcessRetryingGetsItsEpochBackAndAppendsNothing() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2);
        long epoch = c.epochOf(1);
        MetadataImage before = c.image();
        c.advance(SESSION_TIMEOUT_MS / 2);
        ControllerResult<Registration> retry = c.register(1, null);
        assertOk(retry.response().error());
        assertEquals(epoch, retry.response().brokerEpoch());
        assertEquals(List.of(), retry.records());
        assertSame(before, c.image());
        assertFalse(c.broker(1).fenced(), "a retry does not fence the broker");
    }

    @Test
    void aSecondProcessWithTheSameIdIsRefusedWhileTheFirstIsAlive() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2, 3).withTopic("orders", 3, 3);
        UUID first = c.broker(1).incarnationId();
        c.advance(SESSION_TIMEOUT_MS - 1);
        ControllerResult<Registration> second = c.registerNewIncarnation(1);
        assertRefused(DUPLICATE_BROKER_REGISTRATION, second.response().error(), second);
        assertTrue(second.response().error().message().contains(first.toString()), second.response().error().message());
        assertEquals(first, c.broker(1).incarnationId());
        assertFalse(c.broker(1).fenced());

        c.heartbeat(1);
        c.advance(SESSION_TIMEOUT_MS - 1);
        ControllerResult<Registration> stillAlive = c.registerNewIncarnation(1);
        assertRefused(DUPLICATE_BROKER_REGISTRATION, stillAlive.response().error(), stillAlive);
    }

    @Test
    void aNewProcessReplacesALapsedRegistrationAndTakesItsLeadershipsAway() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2, 3).withTopic("orders", 3, 3);
        assertEquals(List.of(0), c.ledBy("orders", 1));
        long oldEpoch = c.epochOf(1);
        c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(1);

        ControllerResult<Registration> result = c.registerNewIncarnation(1);
        assertOk(result.response().error());
        assertTrue(result.response().brokerEpoch() > oldEpoch);
        BrokerRegistration now = c.broker(1);
        assertEquals(result.response().brokerEpoch(), now.epoch());
        assertTrue(now.fenced(), "the new process starts fenced");
        assertEquals(List.of(), c.ledBy("orders", 1));
        assertFalse(c.inAnyIsr(1), "the old process's ISR places are gone");
        assertEquals(2, c.partition("orders", 0).leader(), "orders-0 [1, 2, 3] moved to the next replica");
        assertEquals(1, c.partition("orders", 0).leaderEpoch());

        ControllerResult<HeartbeatAnswer> oldProcess = c.heartbeat(1, oldEpoch, c.image().endOffset(), false);
        assertRefused(STALE_BROKER_EPOCH, oldProcess.response().error(), oldProcess);
        assertTrue(oldProcess.response().fenced());
        assertFalse(c.heartbeat(1).response().fenced(), "the new process is unfenced once caught up");
    }

    @Test
    void aFencedRegistrationWithALiveSessionIsNotReplacedButAReleasedOneIs() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1).withFencedBroker(2);
        long oldEpoch = c.epochOf(2);
        ControllerResult<Registration> refused = c.registerNewIncarnation(2);
        assertRefused(DUPLICATE_BROKER_REGISTRATION, refused.response().error(), refused);
        assertEquals(oldEpoch, c.epochOf(2), "two processes catching up must not keep replacing each other");

        c.shutdown(1);
        assertTrue(c.broker(1).fenced());
        assertOk(c.registerNewIncarnation(1).response().error()); // a broker that shut down may restart at once
    }

    @Test
    void aBrokerReleasedBeforeAControllerRestartMayRegisterAtOnce() {
        // a combined node stopped cleanly: its broker was released fenced, then its controller restarted
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2);
        c.shutdown(1);
        c.failOver();
        assertOk(c.registerNewIncarnation(1).response().error());

        // but a fenced broker that is heartbeating (say, still catching up) is a live process
        ControllerTestCluster d = ControllerTestCluster.create().withBrokers(1).withFencedBroker(2);
        d.failOver();
        d.heartbeat(2, d.epochOf(2), 0, false);
        ControllerResult<Registration> duplicate = d.registerNewIncarnation(2);
        assertRefused(DUPLICATE_BROKER_REGISTRATION, duplicate.response().error(), duplicate);
    }

    @Test
    void aNewActiveControllerStartsEverySessionAfresh() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2).withTopic("orders", 2, 2);
        c.advance(SESSION_TIMEOUT_MS * 10).failOver();

        ControllerResult<Registration> duplicate = c.registerNewIncarnation(1);
        assertRefused(DUPLICATE_BROKER_REGISTRATION, duplicate.response().error(), duplicate);
        ControllerResult<List<Integer>> expired = c.fenceExpired();
        assertEquals(List.of(), expired.response(), "no session has lapsed on the new controller yet");

        c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(1);
        assertEquals(List.of(1), c.fenceExpired().response());
        assertTrue(c.broker(1).fenced());
        assertFalse(c.heartbeat(1).response().fenced(), "the new controller knows where broker 1 must catch up to");
    }

    @Test
    void heartbeatsFromUnknownBrokersAndStaleEpochsAreRefused() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1);
        ControllerResult<HeartbeatAnswer> unknown = c.heartbeat(9, 1, c.image().endOffset(), false);
        assertRefused(BROKER_ID_NOT_REGISTERED, unknown.response().error(), unknown);
        assertTrue(unknown.response().fenced());

        for (long epoch : new long[] {c.epochOf(1) - 1, c.epochOf(1) + 1}) {
            ControllerResult<HeartbeatAnswer> stale = c.heartbeat(1, epoch, c.image().endOffset(), false);
            assertRefused(STALE_BROKER_EPOCH, stale.response().error(), stale);
            ControllerResult<HeartbeatAnswer> staleShutdown = c.heartbeat(1, epoch, c.image().endOffset(), true);
            assertRefused(STALE_BROKER_EPOCH, staleShutdown.response().error(), staleShutdown);
        }
        assertFalse(c.broker(1).fenced());
    }

    @Test
    void aStaleEpochDoesNotKeepTheSessionAlive() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2);
        long epoch = c.epochOf(1);
        c.advance(SESSION_TIMEOUT_MS - 1).heartbeatAllBut(1);
        c.heartbeat(1, epoch + 1, c.image().endOffset(), false);
        c.advance(1).heartbeatAllBut(1);
        assertEquals(List.of(1), c.fenceExpired().response());
    }

    @Test
    void aBrokerIsUnfencedOnlyOnceItHasCaughtUpToItsRegistration() {
        ControllerTestCluster c = ControllerTestCluster.create();
        c.register(1, null);
        long registeredAt = c.image().endOffset();
        for (long offset : new long[] {-1, 0, registeredAt - 1}) {
            ControllerResult<HeartbeatAnswer> behind = c.heartbeat(1, c.epochOf(1), offset, false);
            assertOk(behind.response().error());
            assertTrue(behind.response().fenced(), "still fenced at offset " + offset);
            assertFalse(behind.response().shouldShutDown());
            assertEquals(List.of(), behind.records());
        }
        ControllerResult<HeartbeatAnswer> caughtUp = c.heartbeat(1, c.epochOf(1), registeredAt, false);
        assertFalse(caughtUp.response().fenced());
        assertEquals(1, caughtUp.records().size());
        assertTrue(caughtUp.records().get(0).hasUnfenceBroker());
        assertFalse(c.broker(1).fenced());

        ControllerResult<HeartbeatAnswer> again = c.heartbeat(1);
        assertFalse(again.response().fenced());
        assertEquals(List.of(), again.records(), "a steady heartbeat appends nothing");
    }

    @Test
    void heartbeatsKeepTheSessionAlive() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2).withTopic("orders", 2, 2);
        for (int i = 0; i < 20; i++) {
            c.advance(SESSION_TIMEOUT_MS - 1).heartbeatAllBut();
            ControllerResult<List<Integer>> expired = c.fenceExpired();
            assertEquals(List.of(), expired.response());
            assertEquals(List.of(), expired.records());
        }
        assertTrue(c.image().isUnfenced(1) && c.image().isUnfenced(2));
    }

    @Test
    void producerIdBlocksFollowOneAnotherWithoutOverlap() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2);
        long a = c.allocateProducerIds(1).response();
        long b = c.allocateProducerIds(2).response();
        long d = c.allocateProducerIds(1).response();
        assertEquals(0, a);
        assertEquals(a + ControllerTestCluster.PRODUCER_ID_BLOCK, b);
        assertEquals(b + ControllerTestCluster.PRODUCER_ID_BLOCK, d);
        assertEquals(d + ControllerTestCluster.PRODUCER_ID_BLOCK, c.image().nextProducerId());

        c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(2).fenceExpired();
        assertEquals(d + ControllerTestCluster.PRODUCER_ID_BLOCK, c.allocateProducerIds(2).response(),
                "only the broker epoch is checked, as in Kafka");
    }

    @Test
    void aStaleOrUnknownBrokerGetsNoProducerIds() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1);
        c.allocateProducerIds(1);
        MetadataImage before = c.image();
        for (long epoch : new long[] {c.epochOf(1) - 1, c.epochOf(1) + 1}) {
            ControllerResult<Long> stale = c.allocateProducerIds(1, epoch);
            assertEquals(-1L, stale.response());
            assertEquals(List.of(), stale.records());
        }
        ControllerResult<Long> unknown = c.allocateProducerIds(7, 1);
        assertEquals(-1L, unknown.response());
        assertEquals(List.of(), unknown.records());
        assertSame(before, c.image());
    }
}
