package io.fjord.quorum.controller;

import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.quorum.controller.BrokerControl.HeartbeatAnswer;
import io.fjord.quorum.controller.BrokerControl.Registration;
import io.fjord.quorum.controller.TopicControl.TopicResult;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.quorum.metadata.TopicImage;
import io.fjord.storage.testkit.Seeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static io.fjord.quorum.controller.ControllerTestCluster.PRODUCER_ID_BLOCK;
import static io.fjord.quorum.controller.ControllerTestCluster.SESSION_TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of controller operations (register, heartbeat, lease expiry, controlled shutdown, topic create,
 * delete and grow, config changes, AlterPartition, preferred-leader election, producer ids, controller failover)
 * against one image.
 * {@link ControllerTestCluster} checks {@link ControllerInvariants} (leaders, ISRs, epochs, snapshot round trip) after
 * every appended entry; this test also checks each answer against the image it produced, and that the log replayed
 * from the empty image rebuilds the final image. {@value #DEFAULT_SEEDS} seeds by default,
 * {@code -Dfjord.test.seeds=N} for more, {@code -Dfjord.test.seed=N} to replay one (a failure prints its seed, the
 * replay command and the last steps).
 */
class ControllerPropertyTest {
    static final int DEFAULT_SEEDS = 200;
    private static final int STEPS = 200;
    private static final int MAX_BROKER_ID = 6;
    private static final List<String> TOPICS = List.of("orders", "payments", "events", "logs", "audit");

    @Test
    void randomOperationsKeepEveryInvariant() {
        int[] runs = {0};
        Map<String, Integer> seen = new TreeMap<>();
        Seeds.run(ControllerPropertyTest.class, "randomOperationsKeepEveryInvariant", DEFAULT_SEEDS, seed -> {
            new Run(seed, seen).run();
            runs[0]++;
        });
        System.out.println("ControllerPropertyTest: " + runs[0] + " seeds of " + STEPS
                + " steps passed; replay one with -Dfjord.test.seed=N; transitions seen: " + seen);
        for (String needed : List.of("partition offline", "partition back online", "unclean election",
                "leader moved", "broker fenced", "broker unfenced", "DUPLICATE_BROKER_REGISTRATION",
                "INELIGIBLE_REPLICA", "isr shrunk", "isr expanded", "preferred leader restored")) {
            assertTrue(seen.getOrDefault(needed, 0) > 0, "the runs never reached: " + needed + " " + seen);
        }
    }

    private static final class Run {
        private final SplittableRandom random;
        private final ControllerTestCluster c;
        private final boolean racks;
        private final ArrayDeque<String> lastSteps = new ArrayDeque<>();
        private final Map<String, Integer> seen;
        private long producerIdsHandedOut;

        Run(long seed, Map<String, Integer> seen) {
            this.seen = seen;
            random = new SplittableRandom(seed);
            c = ControllerTestCluster.seeded(seed);
            racks = random.nextBoolean();
        }

        void run() {
            try {
                for (int step = 0; step < STEPS; step++) {
                    MetadataImage before = c.image();
                    String done = step();
                    observe(before, c.image());
                    lastSteps.addLast("t=" + c.nowMs() + " " + done);
                    if (lastSteps.size() > 25) {
                        lastSteps.removeFirst();
                    }
                }
                MetadataImage replayed = MetadataImage.EMPTY;
                for (List<MetadataRecord> entry : c.log()) {
                    replayed = replayed.apply(entry, replayed.endOffset() + 1);
                }
                assertEquals(c.image(), replayed, "the log replayed rebuilds the image");
            } catch (Throwable t) {
                throw new AssertionError(t + "\nthe steps before the failing one:\n  " + String.join("\n  ", lastSteps)
                        + "\nimage: " + c.image(), t);
            }
        }

        private String step() {
            int dice = random.nextInt(100);
            if (dice < 10) {
                return register();
            } else if (dice < 38) {
                return heartbeat();
            } else if (dice < 52) {
                long ms = random.nextLong(SESSION_TIMEOUT_MS / 2);
                c.advance(ms);
                return "advance " + ms;
            } else if (dice < 60) {
                return fenceExpired();
            } else if (dice < 68) {
                return createTopic();
            } else if (dice < 71) {
                return deleteTopic();
            } else if (dice < 74) {
                return createPartitions();
            } else if (dice < 88) {
                return alterPartition();
            } else if (dice < 92) {
                return shutdown();
            } else if (dice < 95) {
                ControllerResult<Integer> result = c.electPreferredLeaders();
                assertEquals(result.records().size(), (int) result.response());
                return "electPreferredLeaders -> " + result.response();
            } else if (dice < 98) {
                return allocateProducerIds();
            } else if (dice < 99) {
                return alterConfigs();
            }
            c.failOver();
            return "failOver";
        }

        private int anyBrokerId() {
            return 1 + random.nextInt(MAX_BROKER_ID);
        }

        private String rack(int id) {
            return racks ? "rack-" + (id % 3) : null;
        }

        private String register() {
            int id = anyBrokerId();
            boolean newProcess = c.broker(id) != null && random.nextInt(3) == 0;
            ControllerResult<Registration> result = newProcess ? c.registerNewIncarnation(id) : c.register(id, rack(id));
            Registration answer = result.response();
            if (answer.error().isSuccess()) {
                assertEquals(answer.brokerEpoch(), c.epochOf(id));
                assertTrue(result.records().isEmpty() || c.broker(id).fenced(), "registered fenced");
            } else {
                assertEquals(List.of(), result.records());
            }
            count(answer.error().code().name());
            return "register " + id + (newProcess ? " (new process)" : "") + " -> " + answer;
        }

        private String heartbeat() {
            int id = anyBrokerId();
            long epoch = c.epochOf(id);
            if (random.nextInt(10) == 0) {
                epoch += random.nextBoolean() ? 1 : -1;
            }
            long offset = random.nextInt(5) == 0 ? c.image().endOffset() - 1 - random.nextInt(3) : c.image().endOffset();
            boolean wantShutdown = random.nextInt(20) == 0;
            ControllerResult<HeartbeatAnswer> result = c.heartbeat(id, epoch, offset, wantShutdown);
            checkHeartbeat(id, result);
            return "heartbeat " + id + " epoch " + epoch + " offset " + offset + (wantShutdown ? " shutdown" : "")
                    + " -> " + result.response() + " " + result.records().size() + " records";
        }

        private String shutdown() {
            int id = anyBrokerId();
            ControllerResult<HeartbeatAnswer> result = c.shutdown(id);
            checkHeartbeat(id, result);
            if (result.response().error().isSuccess()) {
                assertTrue(result.response().shouldShutDown(), "a controlled shutdown is granted once the broker has"
                        + " applied its changes: " + result);
            }
            return "shutdown " + id + " -> " + result.response();
        }

        private void checkHeartbeat(int id, ControllerResult<HeartbeatAnswer> result) {
            HeartbeatAnswer answer = result.response();
            if (!answer.error().isSuccess()) {
                assertEquals(List.of(), result.records());
                return;
            }
            BrokerRegistration b = c.broker(id);
            assertEquals(b.fenced(), answer.fenced(), "the answer tells the broker its fencing: " + answer);
            if (answer.shouldShutDown()) {
                assertTrue(b.fenced(), "released only fenced");
                assertFalse(leadsAny(id), "released only leading nothing");
            }
        }

        private String fenceExpired() {
            ControllerResult<List<Integer>> result = c.fenceExpired();
            for (int id : result.response()) {
                assertTrue(c.broker(id).fenced(), "expired broker " + id + " is fenced");
                assertFalse(leadsAny(id));
            }
            return "fenceExpired -> " + result.response();
        }

        private String createTopic() {
            String name = TOPICS.get(random.nextInt(TOPICS.size()));
            int partitions = random.nextInt(6);
            int replicationFactor = 1 + random.nextInt(4);
            Map<String, String> configs = random.nextInt(3) == 0
                    ? Map.of(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, "true") : Map.of();
            ControllerResult<TopicResult> result = c.createTopic(name, partitions, replicationFactor, configs);
            if (result.response().error().isSuccess()) {
                TopicImage topic = c.image().topic(name);
                assertEquals(result.response().topicId(), topic.id());
                assertEquals(partitions, topic.partitions().size());
                topic.partitions().values().forEach(p -> {
                    assertEquals(p.replicas(), p.isr());
                    assertEquals(p.replicas().get(0), p.leader());
                    assertEquals(replicationFactor, p.replicas().size());
                });
            } else {
                assertEquals(List.of(), result.records());
            }
            return "createTopic " + name + " " + partitions + "x" + replicationFactor + " " + configs + " -> "
                    + result.response().error().code();
        }

        private String deleteTopic() {
            String name = TOPICS.get(random.nextInt(TOPICS.size()));
            boolean existed = c.image().topic(name) != null;
            ControllerResult<TopicResult> result = c.deleteTopic(name);
            assertEquals(existed, result.response().error().isSuccess());
            assertEquals(null, c.image().topic(name));
            return "deleteTopic " + name + " -> " + result.response().error().code();
        }

        private String createPartitions() {
            String name = TOPICS.get(random.nextInt(TOPICS.size()));
            TopicImage before = c.image().topic(name);
            int total = (before == null ? 0 : before.partitions().size()) + random.nextInt(4) - 1;
            ControllerResult<TopicResult> result = c.createPartitions(name, total);
            if (result.response().error().isSuccess()) {
                assertEquals(total, c.image().topic(name).partitions().size());
                before.partitions().forEach((id, p) -> assertEquals(p, c.partition(name, id)));
            } else {
                assertEquals(List.of(), result.records());
            }
            return "createPartitions " + name + " " + total + " -> " + result.response().error().code();
        }

        private String alterConfigs() {
            String name = TOPICS.get(random.nextInt(TOPICS.size()));
            String key = TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE;
            ControllerResult<TopicResult> result = random.nextBoolean()
                    ? c.alterConfigs(name, Map.of(key, random.nextBoolean() ? "true" : "maybe"), Set.of())
                    : c.alterConfigs(name, Map.of(), Set.of(key));
            if (!result.response().error().isSuccess()) {
                assertEquals(List.of(), result.records());
            }
            return "alterConfigs " + name + " -> " + result.response().error().code();
        }

        /** A random led partition's leader sends a new ISR, now and then with a stale epoch. */
        private String alterPartition() {
            List<String> led = new ArrayList<>();
            c.image().topics().values().forEach(t -> t.partitions().forEach((id, p) -> {
                if (p.hasLeader()) {
                    led.add(t.name() + "-" + id);
                }
            }));
            if (led.isEmpty()) {
                return "alterPartition: nothing led";
            }
            String chosen = led.get(random.nextInt(led.size()));
            String topic = chosen.substring(0, chosen.lastIndexOf('-'));
            int partition = Integer.parseInt(chosen.substring(chosen.lastIndexOf('-') + 1));
            PartitionRegistration p = c.partition(topic, partition);
            List<Integer> isr = new ArrayList<>(List.of(p.leader()));
            p.replicas().stream().filter(r -> r != p.leader() && random.nextBoolean()).forEach(isr::add);
            Collections.shuffle(isr, new Random(random.nextLong()));
            long brokerEpoch = c.epochOf(p.leader());
            int leaderEpoch = p.leaderEpoch();
            int partitionEpoch = p.partitionEpoch();
            boolean stale = random.nextInt(5) == 0;
            if (stale) {
                switch (random.nextInt(3)) {
                    case 0 -> brokerEpoch--;
                    case 1 -> leaderEpoch--;
                    default -> partitionEpoch--;
                }
            }
            ControllerResult<ApiError> result = c.alterPartition(p.leader(), brokerEpoch, topic, partition, leaderEpoch,
                    partitionEpoch, isr);
            boolean allEligible = isr.stream().allMatch(id -> ControllerInvariants.eligible(c.image(), id));
            if (result.response().isSuccess()) {
                assertFalse(stale, "a stale AlterPartition was accepted");
                assertEquals(isr, c.partition(topic, partition).isr());
            } else {
                assertEquals(List.of(), result.records());
                assertTrue(stale || !allEligible, "a current AlterPartition was refused: " + result.response());
            }
            count(result.response().code().name());
            return "alterPartition " + chosen + " " + isr + (stale ? " stale" : "") + " -> "
                    + result.response().code();
        }

        private String allocateProducerIds() {
            int id = anyBrokerId();
            boolean stale = random.nextInt(4) == 0;
            long epoch = c.epochOf(id) + (stale ? 1 : 0);
            ControllerResult<Long> result = c.allocateProducerIds(id, epoch);
            if (c.broker(id) == null || stale) {
                assertEquals(-1L, result.response());
                assertEquals(List.of(), result.records());
            } else {
                assertEquals(producerIdsHandedOut, result.response(), "blocks follow one another");
                producerIdsHandedOut += PRODUCER_ID_BLOCK;
                assertEquals(producerIdsHandedOut, c.image().nextProducerId());
            }
            return "allocateProducerIds " + id + " epoch " + epoch + " -> " + result.response();
        }

        /** Tallies the transitions between two images, to show the runs reach the states that matter. */
        private void observe(MetadataImage before, MetadataImage after) {
            after.brokers().forEach((id, b) -> {
                BrokerRegistration was = before.brokers().get(id);
                if (was != null && was.fenced() != b.fenced()) {
                    count(b.fenced() ? "broker fenced" : "broker unfenced");
                }
            });
            after.topics().forEach((name, topic) -> {
                TopicImage old = before.topic(name);
                if (old == null || !old.id().equals(topic.id())) {
                    return;
                }
                old.partitions().forEach((id, was) -> {
                    PartitionRegistration now = topic.partitions().get(id);
                    if (now.leader() != was.leader()) {
                        count(!now.hasLeader() ? "partition offline" : !was.hasLeader() ? "partition back online"
                                : "leader moved");
                        if (now.hasLeader() && !was.isr().contains(now.leader())) {
                            count("unclean election");
                        }
                        if (now.leader() == now.replicas().get(0) && was.hasLeader()
                                && before.isUnfenced(now.leader())) {
                            count("preferred leader restored");
                        }
                    } else if (now.isr().size() != was.isr().size()) {
                        count(now.isr().size() < was.isr().size() ? "isr shrunk" : "isr expanded");
                    }
                });
            });
        }

        private void count(String what) {
            seen.merge(what, 1, Integer::sum);
        }

        private boolean leadsAny(int id) {
            return c.image().topics().values().stream().flatMap(t -> t.partitions().values().stream())
                    .anyMatch(p -> p.leader() == id);
        }
    }
}
