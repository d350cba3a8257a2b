package io.fjord.quorum.controller.runtime;

import io.fjord.quorum.controller.ApiError;
import io.fjord.quorum.controller.BrokerControl;
import io.fjord.quorum.controller.ControllerConfig;
import io.fjord.quorum.controller.TopicControl;
import io.fjord.quorum.driver.LoopbackTransport;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.storage.time.Clock;
import io.fjord.quorum.driver.TestQuorum;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three controllers in one JVM on real storage over the loopback transport: brokers register and are unfenced, a
 * topic is created, a silent broker is fenced and its leaderships move, and after the active controller stops the
 * next one holds the same metadata and carries on; standbys refuse writes naming the active controller.
 */
class QuorumControllerTest {
    private static final Set<Integer> VOTERS = TestQuorum.VOTERS;
    private static final ControllerConfig CONFIG = new ControllerConfig(1500, false, 1000);

    @TempDir
    Path tmp;
    private final LoopbackTransport transport = new LoopbackTransport();
    private final Map<Integer, QuorumController> controllers = new TreeMap<>();
    private TestQuorum quorum;

    @BeforeEach
    void setUp() {
        quorum = new TestQuorum(tmp);
    }

    private void start(int id) {
        controllers.put(id, new QuorumController(quorum.start(id, transport), CONFIG, Clock.MONOTONIC, 4096, 0));
    }

    private void stop(int id) {
        controllers.remove(id).close();
        quorum.stop(id);
    }

    @AfterEach
    void stopAll() {
        for (int id : new ArrayList<>(controllers.keySet())) {
            stop(id);
        }
    }

    private QuorumController active() {
        QuorumController[] found = new QuorumController[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            found[0] = controllers.values().stream().filter(QuorumController::isActive).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(20, TimeUnit.SECONDS);
    }

    @Test
    void brokersRegisterTopicsAreCreatedSilentBrokersAreFencedAndAFailoverLosesNothing() throws Exception {
        VOTERS.forEach(this::start);
        QuorumController active = active();
        Map<Integer, Long> epochs = new TreeMap<>();
        for (int broker = 101; broker <= 103; broker++) {
            BrokerControl.Registration r = get(active.registerBroker(broker, new UUID(5, broker),
                    List.of(new BrokerRegistration.Endpoint("CLIENT", "127.0.0.1", 9000 + broker)), null));
            assertEquals(ApiError.NONE, r.error());
            epochs.put(broker, r.brokerEpoch());
        }
        for (int broker = 101; broker <= 103; broker++) {
            int b = broker;
            await().atMost(Duration.ofSeconds(20)).until(() -> !get(active.heartbeat(b, epochs.get(b), Long.MAX_VALUE,
                    false)).fenced());
        }
        TopicControl.TopicResult created = get(active.submit((image, now) ->
                TopicControl.createTopic(image, "orders", 6, 3, Map.of("retention.ms", "60000"), new Random(1))));
        assertEquals(ApiError.NONE, created.error());

        // a standby refuses writes and names the active controller
        int activeId = controllers.entrySet().stream().filter(e -> e.getValue() == active).findFirst().orElseThrow()
                .getKey();
        QuorumController standby = controllers.entrySet().stream().filter(e -> e.getKey() != activeId).findFirst()
                .orElseThrow().getValue();
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> get(standby.heartbeat(101, epochs.get(101), 0, false)));
        NotControllerException notController = assertInstanceOf(NotControllerException.class, refused.getCause());
        assertEquals(activeId, notController.leaderId());

        // broker 102 stops heartbeating: after the session timeout it is fenced and leads nothing
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            get(active.heartbeat(101, epochs.get(101), Long.MAX_VALUE, false)); // the others stay alive
            get(active.heartbeat(103, epochs.get(103), Long.MAX_VALUE, false));
            return !active.committedImage().isUnfenced(102);
        });
        MetadataImage afterFence = active.committedImage();
        for (PartitionRegistration p : afterFence.topic("orders").partitions().values()) {
            assertTrue(p.leader() != 102 && p.leader() > 0, "leadership moved off the fenced broker: " + p);
            assertTrue(!p.isr().contains(102), "the fenced broker left the ISR: " + p);
        }

        // the active controller stops; the next one has the same committed metadata and keeps deciding
        stop(activeId);
        QuorumController next = active();
        await().atMost(Duration.ofSeconds(20)).until(() -> next.committedImage().topic("orders") != null
                && next.committedImage().topic("orders").equals(afterFence.topic("orders")));
        assertEquals("60000", next.committedImage().topicConfig("orders").get("retention.ms"));
        TopicControl.TopicResult duplicate = get(next.submit((image, now) ->
                TopicControl.createTopic(image, "orders", 1, 1, Map.of(), new Random(2))));
        assertEquals(ApiError.Code.TOPIC_ALREADY_EXISTS, duplicate.error().code());
        long firstIds = get(next.allocateProducerIds(101, epochs.get(101)));
        long secondIds = get(next.allocateProducerIds(103, epochs.get(103)));
        assertEquals(firstIds + CONFIG.producerIdBlockSize(), secondIds, "producer id blocks never overlap");

        // the restarted node catches up, through snapshots, to the same image
        start(activeId);
        await().atMost(Duration.ofSeconds(30)).until(() -> controllers.get(activeId).committedImage()
                .equals(next.committedImage()));
    }
}
