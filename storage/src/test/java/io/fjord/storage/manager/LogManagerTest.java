package io.fjord.storage.manager;

import io.fjord.storage.StorageException;
import io.fjord.storage.log.Batches;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.log.TopicPartition;
import io.fjord.storage.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogManagerTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;
    private final ManualClock clock = new ManualClock(T0);

    @Test
    void spreadsPartitionsAcrossDirectoriesAndReloadsThem() {
        List<Path> dirs = List.of(tmp.resolve("d1"), tmp.resolve("d2"), tmp.resolve("d3"));
        try (LogManager manager = new LogManager(dirs, topic -> LogConfig.defaults(), clock)) {
            for (int p = 0; p < 6; p++) {
                PartitionLog log = manager.getOrCreateLog(new TopicPartition("orders", p));
                log.appendAsLeader(Batches.of(T0, "value-" + p), 0);
            }
            Map<Path, Long> perDir = manager.placement().values().stream()
                    .collect(Collectors.groupingBy(d -> d, Collectors.counting()));
            assertEquals(Map.of(dirs.get(0), 2L, dirs.get(1), 2L, dirs.get(2), 2L), perDir);
        }
        try (LogManager manager = new LogManager(dirs, topic -> LogConfig.defaults(), clock)) {
            assertEquals(6, manager.allLogs().size());
            for (int p = 0; p < 6; p++) {
                PartitionLog log = manager.getLog(new TopicPartition("orders", p)).orElseThrow();
                assertEquals(List.of("value-" + p), Batches.readValues(log, 0));
            }
        }
    }

    @Test
    void leavesTheMetadataLogAloneAndRefusesReservedNames() {
        Path dir = tmp.resolve("d1");
        try (PartitionLog metadata = PartitionLog.open(dir.resolve("__cluster_metadata-0"), LogConfig.defaults(),
                clock)) {
            metadata.appendAsLeader(Batches.of(T0, "raft-entry"), 1);
        }
        try (LogManager manager = new LogManager(List.of(dir), topic -> LogConfig.defaults(), clock)) {
            assertTrue(manager.allLogs().isEmpty(), "the metadata log is not a partition: " + manager.allLogs());
            assertTrue(manager.offlinePartitions().isEmpty());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> manager.getOrCreateLog(new TopicPartition("__cluster_metadata", 0)));
            assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        }
        assertTrue(Files.isDirectory(dir.resolve("__cluster_metadata-0")), "untouched");
        assertFalse(TopicPartition.fromDirName("__cluster_metadata-0").isPresent());
        assertTrue(TopicPartition.isReserved("__cluster_metadata_x"));
        assertFalse(TopicPartition.isReserved("_cluster_metadata"));
    }

    @Test
    void anUnusableDirectoryGoesOfflineAndTheRestServe() throws Exception {
        Path file = tmp.resolve("not-a-dir");
        Files.writeString(file, "x");
        Path good = tmp.resolve("good");
        try (LogManager manager = new LogManager(List.of(file, good), topic -> LogConfig.defaults(), clock)) {
            assertEquals(List.of(file), List.copyOf(manager.offlineDirs().keySet()));
            assertTrue(manager.offlineDirs().get(file).startsWith("cannot create it"), manager.offlineDirs().toString());
            manager.getOrCreateLog(new TopicPartition("t", 0));
            assertEquals(good, manager.placement().get(new TopicPartition("t", 0)));
        }
    }

    @Test
    void noUsableDirectoryFailsStartWithTheReason() throws Exception {
        Path file = tmp.resolve("file");
        Files.writeString(file, "x");
        StorageException e = assertThrows(StorageException.class,
                () -> new LogManager(List.of(file), topic -> LogConfig.defaults(), clock));
        assertTrue(e.getMessage().contains("no usable log directory") && e.getMessage().contains("file"),
                e.getMessage());
    }

    @Test
    void deleteRemovesTheFilesAndIgnoresUnrelatedDirectories() throws Exception {
        Path dir = tmp.resolve("logs");
        Files.createDirectories(dir.resolve("lost+found"));
        try (LogManager manager = new LogManager(List.of(dir), topic -> LogConfig.defaults(), clock)) {
            assertEquals(0, manager.allLogs().size());
            TopicPartition tp = new TopicPartition("my.topic-name", 3);
            manager.getOrCreateLog(tp).appendAsLeader(Batches.of(T0, "a"), 0);
            assertTrue(Files.isDirectory(dir.resolve("my.topic-name-3")));
            assertTrue(manager.deleteLog(tp));
            assertFalse(Files.exists(dir.resolve("my.topic-name-3")));
            assertFalse(manager.deleteLog(tp));
        }
    }

    @Test
    void maintenanceAppliesRetentionBelowTheBound() {
        LogConfig config = LogConfig.defaults().withOverrides(Map.of("segment.bytes", "200", "retention.ms", "1000"));
        try (LogManager manager = new LogManager(List.of(tmp.resolve("d")), topic -> config, clock)) {
            PartitionLog log = manager.getOrCreateLog(new TopicPartition("t", 0));
            for (int i = 0; i < 5; i++) {
                log.appendAsLeader(Batches.of(T0, "v" + i), 0);
            }
            clock.advanceMs(2000);
            assertEquals(0, manager.runMaintenance(clock.nowMs(), tp -> 0L));
            assertTrue(manager.runMaintenance(clock.nowMs(), tp -> 3L) > 0);
            assertTrue(log.logStartOffset() > 0 && log.logStartOffset() <= 3, "start " + log.logStartOffset());
        }
    }

    @Test
    void backgroundMaintenanceAppliesRetentionOnItsOwn() {
        LogConfig config = LogConfig.defaults().withOverrides(Map.of("segment.bytes", "200", "retention.ms", "1000"));
        try (LogManager manager = new LogManager(List.of(tmp.resolve("d")), topic -> config, clock)) {
            PartitionLog log = manager.getOrCreateLog(new TopicPartition("t", 0));
            for (int i = 0; i < 5; i++) {
                log.appendAsLeader(Batches.of(T0, "v" + i), 0);
            }
            manager.startBackgroundMaintenance(10, tp -> log.logEndOffset());
            assertThrows(IllegalStateException.class, () -> manager.startBackgroundMaintenance(10, tp -> 0L));
            clock.advanceMs(2000);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> log.logStartOffset() == 5);
        }
    }

    @Test
    void partitionDirectoryNamesRoundTrip() {
        assertEquals(new TopicPartition("a-b-c", 12), TopicPartition.fromDirName("a-b-c-12").orElseThrow());
        assertTrue(TopicPartition.fromDirName("lost+found").isEmpty());
        assertTrue(TopicPartition.fromDirName("topic-").isEmpty());
        assertEquals(new TopicPartition("topic-", 1), TopicPartition.fromDirName("topic--1").orElseThrow());
        assertTrue(TopicPartition.fromDirName("topic-x").isEmpty());
    }
}
