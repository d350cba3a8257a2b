package io.fjord.quorum.controller;

import io.fjord.quorum.controller.TopicControl.TopicResult;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.quorum.metadata.TopicImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static io.fjord.quorum.controller.ApiError.Code.INVALID_CONFIG;
import static io.fjord.quorum.controller.ApiError.Code.INVALID_PARTITIONS;
import static io.fjord.quorum.controller.ApiError.Code.INVALID_REPLICATION_FACTOR;
import static io.fjord.quorum.controller.ApiError.Code.INVALID_TOPIC_EXCEPTION;
import static io.fjord.quorum.controller.ApiError.Code.TOPIC_ALREADY_EXISTS;
import static io.fjord.quorum.controller.ApiError.Code.UNKNOWN_TOPIC_OR_PARTITION;
import static io.fjord.quorum.controller.ControllerTestCluster.assertOk;
import static io.fjord.quorum.controller.ControllerTestCluster.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TopicControl}: CreateTopics, DeleteTopics, CreatePartitions and IncrementalAlterConfigs, as Kafka answers. */
class TopicControlTest {

    @Test
    void everyNewPartitionHasItsReplicasInSyncAndThePreferredReplicaLeading() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2, 3);
        ControllerResult<TopicResult> result = c.createTopic("orders", 6, 3, Map.of("retention.ms", "60000"));

        assertOk(result.response().error());
        TopicImage orders = c.image().topic("orders");
        assertEquals(result.response().topicId(), orders.id());
        assertEquals(6, orders.partitions().size());
        orders.partitions().forEach((id, p) -> {
            assertEquals(3, new HashSet<>(p.replicas()).size(), "3 distinct replicas of orders-" + id);
            assertEquals(p.replicas(), p.isr(), "orders-" + id);
            assertEquals(p.replicas().get(0), p.leader(), "orders-" + id);
            assertEquals(0, p.leaderEpoch());
            assertEquals(0, p.partitionEpoch());
        });
        assertEquals(List.of(1, 2, 3), c.partition("orders", 0).replicas(), "DESIGN §5's rotation");
        assertEquals(List.of(2, 3, 1), c.partition("orders", 1).replicas());
        assertEquals(Map.of("retention.ms", "60000"), c.image().topicConfig("orders"));
    }

    @Test
    void leadersAndReplicasSpreadEvenlyOverTheBrokers() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2, 3, 4).withTopic("orders", 8, 2)
                .withTopic("payments", 7, 3);
        for (int broker = 1; broker <= 4; broker++) {
            assertEquals(2, c.ledBy("orders", broker).size(), "broker " + broker + " leads 8 / 4 partitions");
            int led = c.ledBy("payments", broker).size();
            assertTrue(led == 1 || led == 2, "broker " + broker + " leads " + led + " of 7 partitions on 4 brokers");
        }
        Map<Integer, Integer> replicasPerBroker = new TreeMap<>();
        c.image().topic("orders").partitions().values().forEach(p -> p.replicas()
                .forEach(b -> replicasPerBroker.merge(b, 1, Integer::sum)));
        assertEquals(Map.of(1, 4, 2, 4, 3, 4, 4, 4), replicasPerBroker, "16 replicas over 4 brokers");
    }

    @Test
    void racksAreSpannedByEveryPartition() {
        ControllerTestCluster c = ControllerTestCluster.create().withBroker(1, "a").withBroker(2, "a")
                .withBroker(3, "b").withBroker(4, "b").withBroker(5, "c").withBroker(6, "c")
                .withTopic("orders", 12, 3);
        c.image().topic("orders").partitions().forEach((id, p) -> {
            Set<String> racks = new HashSet<>();
            p.replicas().forEach(b -> racks.add(c.broker(b).rack()));
            assertEquals(Set.of("a", "b", "c"), racks, "orders-" + id + " " + p.replicas());
        });
    }

    @Test
    void onlyUnfencedBrokersReceiveReplicas() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2, 3).withFencedBroker(4)
                .withTopic("orders", 8, 3);
        c.image().topic("orders").partitions().values().forEach(p -> assertTrue(!p.replicas().contains(4),
                "fenced broker 4 got a replica: " + p));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "has space", "slash/ed", "colon:ed", "ümlaut", "star*", "tab\t"})
    void invalidTopicNamesAreRefused(String name) {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1);
        MetadataImage before = c.image();
        ControllerResult<TopicResult> result = c.createTopic(name, 1, 1);
        assertRefused(INVALID_TOPIC_EXCEPTION, result.response().error(), result);
        assertSame(before, c.image());
    }

    @Test
    void topicNamesAreLimitedTo249Characters() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1);
        ControllerResult<TopicResult> tooLong = c.createTopic("x".repeat(250), 1, 1);
        assertRefused(INVALID_TOPIC_EXCEPTION, tooLong.response().error(), tooLong);
        assertTrue(tooLong.response().error().message().contains("249"), tooLong.response().error().message());
        assertOk(c.createTopic("x".repeat(249), 1, 1).response().error());
        assertOk(c.createTopic("Orders_2024.eu-west-1", 1, 1).response().error());
        assertOk(c.createTopic("...", 1, 1).response().error());
        assertNull(c.createTopic(null, 1, 1).response().topicId());
        assertEquals(INVALID_TOPIC_EXCEPTION, c.createTopic(null, 1, 1).response().error().code());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void fewerThanOnePartitionIsRefused(int partitions) {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2);
        ControllerResult<TopicResult> result = c.createTopic("orders", partitions, 1);
        assertRefused(INVALID_PARTITIONS, result.response().error(), result);
        assertNull(c.image().topic("orders"));
    }

    @Test
    void aReplicationFactorAboveTheUnfencedBrokersIsRefusedNamingBothNumbers() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2, 3).withFencedBroker(4);
        ControllerResult<TopicResult> result = c.createTopic("orders", 3, 4);
        assertRefused(INVALID_REPLICATION_FACTOR, result.response().error(), result);
        String message = result.response().error().message();
        assertTrue(message.contains("4") && message.contains("3"), message);

        c.advance(ControllerTestCluster.SESSION_TIMEOUT_MS).heartbeatAllBut(3).fenceExpired();
        ControllerResult<TopicResult> afterFencing = c.createTopic("orders", 3, 3);
        assertRefused(INVALID_REPLICATION_FACTOR, afterFencing.response().error(), afterFencing);
        assertTrue(afterFencing.response().error().message().contains("2"), afterFencing.response().error().message());

        for (int rf : new int[] {0, -1}) {
            ControllerResult<TopicResult> nonPositive = c.createTopic("orders", 3, rf);
            assertRefused(INVALID_REPLICATION_FACTOR, nonPositive.response().error(), nonPositive);
        }
        assertOk(c.createTopic("orders", 3, 2).response().error());
    }

    @Test
    void aTopicThatExistsIsRefused() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2).withTopic("orders", 2, 2);
        TopicImage before = c.image().topic("orders");
        ControllerResult<TopicResult> result = c.createTopic("orders", 5, 1);
        assertRefused(TOPIC_ALREADY_EXISTS, result.response().error(), result);
        assertEquals(before, c.image().topic("orders"));
    }

    @Test
    void anInvalidConfigIsRefusedNamingIt() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2);
        Map<String, String> invalid = new TreeMap<>();
        invalid.put("retention.mss", "1000");
        invalid.put("retention.ms", "soon");
        invalid.put("segment.bytes", "a lot");
        invalid.put("min.insync.replicas", "0");
        invalid.put("unclean.leader.election.enable", "yes");
        invalid.put("compression.type", "brotli");
        invalid.put("cleanup.policy", "compact");
        invalid.put("segment.ms", "0");
        invalid.forEach((key, value) -> {
            Map<String, String> configs = new TreeMap<>(Map.of("retention.bytes", "1000000"));
            configs.put(key, value);
            ControllerResult<TopicResult> result = c.createTopic("orders", 1, 1, configs);
            assertRefused(INVALID_CONFIG, result.response().error(), result);
            assertTrue(result.response().error().message().contains(key), key + ": " + result.response().error());
        });
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("retention.ms", null);
        ControllerResult<TopicResult> result = c.createTopic("orders", 1, 1, nullValue);
        assertRefused(INVALID_CONFIG, result.response().error(), result);
        assertNull(c.image().topic("orders"));
        assertTrue(c.image().configs().isEmpty());

        Map<String, String> valid = Map.of("retention.ms", "1000", "min.insync.replicas", "2",
                "unclean.leader.election.enable", "true", "compression.type", "zstd", "cleanup.policy", "delete");
        assertOk(c.createTopic("orders", 1, 2, valid).response().error());
        assertEquals(valid, c.image().topicConfig("orders"));
    }

    @Test
    void theRecordsDependOnTheConfigsNotOnTheirIterationOrder() {
        Map<String, String> forward = new LinkedHashMap<>();
        Map<String, String> backward = new LinkedHashMap<>();
        List<String> keys = List.of("compression.type", "max.message.bytes", "min.insync.replicas", "retention.ms",
                "segment.bytes");
        List<String> values = List.of("lz4", "2000000", "2", "1000", "1048576");
        for (int i = 0; i < keys.size(); i++) {
            forward.put(keys.get(i), values.get(i));
            backward.put(keys.get(keys.size() - 1 - i), values.get(keys.size() - 1 - i));
        }
        assertEquals(forward, backward);
        ControllerResult<TopicResult> a = ControllerTestCluster.create().withBrokers(1).createTopic("orders", 1, 1,
                forward);
        ControllerResult<TopicResult> b = ControllerTestCluster.create().withBrokers(1).createTopic("orders", 1, 1,
                backward);
        assertOk(a.response().error());
        assertEquals(a.records(), b.records(), "the metadata log is a function of the request, not of a map's order");
    }

    @Test
    void deletingATopicRemovesItsPartitionsAndConfigs() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2)
                .withTopic("orders", 3, 2, Map.of("retention.ms", "1000")).withTopic("payments", 1, 1);
        ControllerResult<TopicResult> unknown = c.deleteTopic("refunds");
        assertRefused(UNKNOWN_TOPIC_OR_PARTITION, unknown.response().error(), unknown);

        UUID oldId = c.image().topic("orders").id();
        ControllerResult<TopicResult> deleted = c.deleteTopic("orders");
        assertOk(deleted.response().error());
        assertEquals(oldId, deleted.response().topicId());
        assertNull(c.image().topic("orders"));
        assertTrue(c.image().topicConfig("orders").isEmpty());
        assertNotNull(c.image().topic("payments"));
        ControllerResult<TopicResult> again = c.deleteTopic("orders");
        assertRefused(UNKNOWN_TOPIC_OR_PARTITION, again.response().error(), again);

        ControllerResult<TopicResult> recreated = c.createTopic("orders", 1, 1);
        assertOk(recreated.response().error());
        assertNotEquals(oldId, recreated.response().topicId(), "a recreated topic is a new topic");
        assertTrue(c.image().topicConfig("orders").isEmpty(), "the old topic's overrides are gone");
    }

    @Test
    void partitionsAreNeverRemoved() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2).withTopic("orders", 3, 2);
        for (int total : new int[] {3, 2, 0, -1}) {
            ControllerResult<TopicResult> result = c.createPartitions("orders", total);
            assertRefused(INVALID_PARTITIONS, result.response().error(), result);
        }
        ControllerResult<TopicResult> unknown = c.createPartitions("refunds", 5);
        assertRefused(UNKNOWN_TOPIC_OR_PARTITION, unknown.response().error(), unknown);
        assertEquals(3, c.image().topic("orders").partitions().size());
    }

    @Test
    void addedPartitionsContinueThePlacement() {
        ControllerTestCluster grown = ControllerTestCluster.create().withBrokers(1, 2, 3, 4).withTopic("orders", 3, 3);
        TopicImage before = grown.image().topic("orders");
        grown.alterPartition("orders", 0, List.of(before.partitions().get(0).leader(),
                before.partitions().get(0).replicas().get(1)));
        PartitionRegistration changed = grown.partition("orders", 0);

        ControllerResult<TopicResult> result = grown.createPartitions("orders", 9);
        assertOk(result.response().error());
        assertEquals(before.id(), result.response().topicId());
        assertEquals(9, grown.image().topic("orders").partitions().size());
        assertEquals(changed, grown.partition("orders", 0), "existing partitions are untouched");

        ControllerTestCluster atOnce = ControllerTestCluster.create().withBrokers(1, 2, 3, 4).withTopic("orders", 9, 3);
        for (int id = 3; id < 9; id++) {
            PartitionRegistration p = grown.partition("orders", id);
            assertEquals(atOnce.partition("orders", id), p, "orders-" + id + " as if created with 9 partitions");
            assertEquals(p.replicas(), p.isr());
            assertEquals(p.replicas().get(0), p.leader());
        }
        List<Integer> leaders = new ArrayList<>();
        grown.image().topic("orders").partitions().values().forEach(p -> leaders.add(p.replicas().get(0)));
        for (int broker = 1; broker <= 4; broker++) {
            long count = leaders.stream().filter(Integer.valueOf(broker)::equals).count();
            assertTrue(count == 2 || count == 3, "broker " + broker + " is preferred for " + count + " of 9");
        }
    }

    @Test
    void addedPartitionsNeedEnoughUnfencedBrokers() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2, 3).withTopic("orders", 1, 3);
        c.advance(ControllerTestCluster.SESSION_TIMEOUT_MS).heartbeatAllBut(3).fenceExpired();
        ControllerResult<TopicResult> result = c.createPartitions("orders", 2);
        assertRefused(INVALID_REPLICATION_FACTOR, result.response().error(), result);
    }

    @Test
    void alterConfigsSetsAndDeletesOverrides() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1)
                .withTopic("orders", 1, 1, Map.of("retention.ms", "1000", "segment.bytes", "1048576"));
        ControllerResult<TopicResult> result = c.alterConfigs("orders", Map.of("retention.ms", "2000",
                "compression.type", "lz4"), Set.of("segment.bytes", "max.message.bytes"));
        assertOk(result.response().error());
        assertEquals(Map.of("retention.ms", "2000", "compression.type", "lz4"), c.image().topicConfig("orders"));

        assertOk(c.alterConfigs("orders", Map.of(), Set.of("retention.ms", "compression.type")).response().error());
        assertTrue(c.image().topicConfig("orders").isEmpty());
        assertTrue(c.image().configs().isEmpty(), "no overrides left, no entry");

        ControllerResult<TopicResult> unknown = c.alterConfigs("refunds", Map.of("retention.ms", "1"), Set.of());
        assertRefused(UNKNOWN_TOPIC_OR_PARTITION, unknown.response().error(), unknown);
    }

    @Test
    void alterConfigsIsAllOrNothing() {
        ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1)
                .withTopic("orders", 1, 1, Map.of("retention.ms", "1000"));
        ControllerResult<TopicResult> result = c.alterConfigs("orders", Map.of("retention.ms", "2000",
                "min.insync.replicas", "none", "compression.type", "gzip"), Set.of("retention.ms"));
        assertRefused(INVALID_CONFIG, result.response().error(), result);
        assertTrue(result.response().error().message().contains("min.insync.replicas"));
        assertEquals(Map.of("retention.ms", "1000"), c.image().topicConfig("orders"));
    }
}
