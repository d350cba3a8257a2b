package io.fjord.broker.replica;

import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.RecordBatchBuilder;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.log.TopicPartition;
import io.fjord.storage.log.ValidatedBatches;
import io.fjord.storage.time.Clock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaManagerTest {
    static final int BROKER = 1;
    static final UUID ORDERS = new UUID(7, 7);

    @TempDir
    Path tmp;
    private ReplicaManager replicaManager;

    private ReplicaManager open() {
        replicaManager = new ReplicaManager(BROKER, List.of(tmp.resolve("d1"), tmp.resolve("d2")),
                ReplicaConfig.defaults(), Clock.SYSTEM);
        return replicaManager;
    }

    @AfterEach
    void close() {
        if (replicaManager != null) {
            replicaManager.close();
        }
    }

    static ValidatedBatches batch(String... values) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE);
        for (String v : values) {
            b.append(1_700_000_000_000L, null, v.getBytes(StandardCharsets.UTF_8));
        }
        return ValidatedBatches.fromProducer(b.build(), Integer.MAX_VALUE);
    }

    @Test
    void aSingleReplicaLeaderStampsItsEpochAndItsHighWatermarkFollowsTheLogEnd() {
        TestMetadata metadata = new TestMetadata(open(), BROKER).createTopic("orders", ORDERS, 2, List.of(1), List.of(1));
        Partition p = replicaManager.leaderPartition("orders", 1, Optional.of(0));
        replicaManager.append(p, batch("a", "b"), -1);
        replicaManager.append(p, batch("c"), 1);
        assertEquals(3, p.highWatermark());
        metadata.apply(TestMetadata.changeLeader(ORDERS, 1, 1, List.of(1))); // same leader: no new epoch
        assertEquals(2, replicaManager.partitions().size());
        PartitionView view = replicaManager.partitions().stream().filter(v -> v.partition() == 1).findFirst()
                .orElseThrow();
        assertEquals(new PartitionView("orders", 1, 0, true, 0, 3, 3, view.sizeInBytes(), 1), view);
        assertEquals(0, p.log().latestEpoch());
    }

    @Test
    void withFollowersTheHighWatermarkWaitsForThemAndAcksAllTimesOut() throws Exception {
        new TestMetadata(open(), BROKER).createTopic("orders", ORDERS, 1, List.of(1, 2), List.of(1, 2));
        Partition p = replicaManager.leaderPartition("orders", 0, Optional.empty());
        ReplicaManager.AppendResult appended = replicaManager.append(p, batch("a"), -1);
        assertEquals(0, p.highWatermark(), "follower 2's log end is unknown");
        CompletableFuture<ApiException> done = new CompletableFuture<>();
        replicaManager.awaitReplication(p, appended.info().lastOffset(), 0, 50, done::complete);
        ApiException error = done.get(10, TimeUnit.SECONDS);
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, error.code());
        assertEquals(0, replicaManager.purgatory().watching(p.topicPartition()));
    }

    @Test
    void roleErrorsAndLeaderEpochs() {
        TestMetadata metadata = new TestMetadata(open(), BROKER)
                .createTopic("orders", ORDERS, 2, List.of(1, 2), List.of(1, 2));
        metadata.apply(TestMetadata.changeLeader(ORDERS, 0, 2, List.of(1, 2))); // epoch 1, led by 2
        assertError(ErrorCode.NOT_LEADER_OR_FOLLOWER, () -> replicaManager.leaderPartition("orders", 0,
                Optional.empty()));
        metadata.apply(TestMetadata.changeLeader(ORDERS, 0, 1, List.of(1, 2))); // epoch 2, led by 1 again
        assertError(ErrorCode.FENCED_LEADER_EPOCH, () -> replicaManager.leaderPartition("orders", 0, Optional.of(1)));
        assertError(ErrorCode.UNKNOWN_LEADER_EPOCH, () -> replicaManager.leaderPartition("orders", 0, Optional.of(3)));
        replicaManager.leaderPartition("orders", 0, Optional.of(2));
        assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> replicaManager.leaderPartition("nope", 0,
                Optional.empty()));
        assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> replicaManager.leaderPartition("orders", 5,
                Optional.empty()));
        assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> replicaManager.leaderPartition("__cluster_metadata",
                0, Optional.empty()));
        Partition p = replicaManager.leaderPartition("orders", 0, Optional.empty());
        replicaManager.append(p, batch("x"), 1);
        assertEquals(2, p.log().epochCache().latestEpoch());
    }

    @Test
    void minInsyncReplicasAndConfigOverridesComeFromTheTopic() {
        TestMetadata metadata = new TestMetadata(open(), BROKER).createTopic("orders", ORDERS, 1, List.of(1), List.of(1));
        metadata.apply(TestMetadata.config("orders", "min.insync.replicas", "2"),
                TestMetadata.config("orders", "retention.ms", "1000"),
                TestMetadata.config("orders", "cleanup.policy", "delete"));
        Partition p = replicaManager.leaderPartition("orders", 0, Optional.empty());
        ApiException e = assertThrows(ApiException.class, () -> replicaManager.append(p, batch("a"), -1));
        assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, e.code());
        assertTrue(e.getMessage().contains("min.insync.replicas 2"), e.getMessage());
        assertEquals(0, p.log().logEndOffset(), "nothing written");
        replicaManager.append(p, batch("a"), 1);
        assertEquals(1000, p.log().config().retentionMs());
        metadata.apply(TestMetadata.config("orders", "retention.ms", null));
        assertEquals(LogConfig.DEFAULT_RETENTION_MS, p.log().config().retentionMs());
    }

    @Test
    void followersOpenTheirLogAndRemovedReplicasDeleteIt() {
        TestMetadata metadata = new TestMetadata(open(), BROKER)
                .createTopic("orders", ORDERS, 1, List.of(2, 1), List.of(2, 1));
        PartitionView view = replicaManager.partitions().iterator().next();
        assertFalse(view.isLeader());
        assertEquals(2, view.isrSize());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        replicaManager.bindMetrics(registry);
        assertEquals(0.0, registry.get("fjord.partition.leader").tag("topic", "orders").gauge().value());
        metadata.apply(TestMetadata.removeTopic(ORDERS));
        assertTrue(replicaManager.partitions().isEmpty());
        assertTrue(registry.find("fjord.partition.leader").gauges().isEmpty());
        try (var dirs = Files.list(tmp.resolve("d1"))) {
            assertTrue(dirs.noneMatch(d -> d.getFileName().toString().startsWith("orders")));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRestartKeepsDataAndHighWatermarksAndLeavesTheMetadataLogAlone() throws Exception {
        try (PartitionLog raft = PartitionLog.open(tmp.resolve("d1").resolve("__cluster_metadata-0"),
                LogConfig.defaults(), Clock.SYSTEM)) {
            raft.appendAsLeader(batchBuffer("raft"), 1);
        }
        new TestMetadata(open(), BROKER).createTopic("orders", ORDERS, 1, List.of(1, 2), List.of(1)); // ISR shrunk
        Partition p = replicaManager.leaderPartition("orders", 0, Optional.empty());
        replicaManager.append(p, batch("a", "b", "c"), 1);
        assertEquals(3, p.highWatermark());
        replicaManager.close();
        assertEquals(java.util.Map.of(new TopicPartition("orders", 0), 3L),
                new HighWatermarkCheckpoint(p.log().dir().getParent()).read());

        open();
        assertTrue(replicaManager.partitions().isEmpty(), "no partition before the metadata says so");
        assertNull(replicaManager.offlinePartitions().get(new TopicPartition("orders", 0)));
        // a follower now: its HW comes from the checkpoint, not from its log end
        new TestMetadata(replicaManager, BROKER).createTopic("orders", ORDERS, 1, List.of(2, 1), List.of(2, 1));
        PartitionView view = replicaManager.partitions().iterator().next();
        assertEquals(3, view.logEndOffset());
        assertEquals(3, view.highWatermark());
        assertTrue(Files.isDirectory(tmp.resolve("d1").resolve("__cluster_metadata-0")));
    }

    @Test
    void aTopicDeletedAndCreatedAgainWhileTheBrokerWasAwayStartsWithAnEmptyLog() {
        new TestMetadata(open(), BROKER).createTopic("orders", ORDERS, 1, List.of(1), List.of(1));
        Partition old = replicaManager.leaderPartition("orders", 0, Optional.empty());
        replicaManager.append(old, batch("old-1", "old-2"), 1);
        replicaManager.close();

        open(); // meanwhile "orders" was deleted and created again: the broker's first image has the new id only
        new TestMetadata(replicaManager, BROKER).createTopic("orders", new UUID(8, 8), 1, List.of(1), List.of(1));
        Partition now = replicaManager.leaderPartition("orders", 0, Optional.empty());
        assertEquals(0, now.log().logEndOffset(), "the deleted topic's records are not the new topic's");
        assertEquals(0, replicaManager.append(now, batch("new"), 1).info().firstOffset());
        replicaManager.close();

        open(); // the same id again: the log is kept
        new TestMetadata(replicaManager, BROKER).createTopic("orders", new UUID(8, 8), 1, List.of(1), List.of(1));
        assertEquals(1, replicaManager.leaderPartition("orders", 0, Optional.empty()).log().logEndOffset());
    }

    static ByteBuffer batchBuffer(String value) {
        return new RecordBatchBuilder(CompressionType.NONE).append(1L, null, value.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static void assertError(ErrorCode code, Runnable call) {
        ApiException e = assertThrows(ApiException.class, call::run);
        assertEquals(code, e.code(), e.getMessage());
    }
}
