package io.fjord.storage.log;

import io.fjord.proto.record.CorruptRecordException;
import io.fjord.proto.record.RecordBatch;
import io.fjord.storage.StorageException;
import io.fjord.storage.manager.LogManager;
import io.fjord.storage.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Safety properties found in review: each test fails on the behaviour it guards against. */
class PartitionLogSafetyTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final LogConfig SMALL = LogConfig.defaults().withOverrides(Map.of(
            "segment.bytes", "400", "index.interval.bytes", "50"));

    @TempDir
    Path tmp;
    private final ManualClock clock = new ManualClock(T0);

    private static void recomputeCrc(ByteBuffer batch) {
        CRC32C crc = new CRC32C();
        ByteBuffer covered = batch.duplicate().position(RecordBatch.ATTRIBUTES_OFFSET);
        crc.update(covered);
        batch.putInt(RecordBatch.CRC_OFFSET, (int) crc.getValue());
    }

    @Test
    void aStaleLeaderEpochIsRefused() {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("t-0"), SMALL, clock)) {
            log.appendAsLeader(Batches.of(T0, "a"), 5);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> log.appendAsLeader(Batches.of(T0, "b"), 4));
            assertTrue(e.getMessage().contains("leader epoch 4 is below epoch 5"), e.getMessage());
            assertEquals(1, log.logEndOffset());
        }
    }

    @Test
    void batchesValidatedOutsideTheLockAreAppendedAndStillSizeChecked() {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("t-0"), SMALL, clock)) {
            ValidatedBatches validated = ValidatedBatches.fromProducer(Batches.of(T0, "a", "b"), 1 << 20);
            assertEquals(2, validated.recordCount());
            assertEquals(0, log.appendAsLeader(validated, 0).firstOffset());
            ValidatedBatches big = ValidatedBatches.fromProducer(Batches.sized(T0, 1, 500), 1 << 20);
            log.updateConfig(SMALL.withOverrides(Map.of("max.message.bytes", "300")));
            assertThrows(RecordTooLargeException.class, () -> log.appendAsLeader(big, 0),
                    "max.message.bytes lowered after validation still applies");
            assertEquals(2, log.logEndOffset());
        }
    }

    @Test
    void producerBatchesAreCheckedRecordByRecord() {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("t-0"), SMALL, clock)) {
            ByteBuffer lyingCount = Batches.of(T0, "a", "b");
            lyingCount.putInt(RecordBatch.RECORD_COUNT_OFFSET, 3);
            lyingCount.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, 2);
            recomputeCrc(lyingCount);
            CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(lyingCount, 0));
            assertTrue(e.getMessage().contains("batch 0"), e.getMessage());

            ByteBuffer wrongMax = Batches.of(T0, "a");
            wrongMax.putLong(RecordBatch.MAX_TIMESTAMP_OFFSET, T0 + 1_000_000);
            recomputeCrc(wrongMax);
            e = assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(wrongMax, 0));
            assertTrue(e.getMessage().contains("maxTimestamp"), e.getMessage());

            ByteBuffer control = Batches.of(T0, "a");
            control.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) 0x20);
            recomputeCrc(control);
            e = assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(control, 0));
            assertTrue(e.getMessage().contains("control"), e.getMessage());
            assertEquals(0, log.logEndOffset(), "nothing was written");
        }
    }

    @Test
    void damageInFsyncedDataTakesThePartitionOfflineInsteadOfTruncating() throws Exception {
        Path dir = tmp.resolve("logs");
        try (LogManager manager = new LogManager(List.of(dir), topic -> SMALL, clock)) {
            for (String topic : new String[] {"damaged", "healthy"}) {
                PartitionLog log = manager.getOrCreateLog(new TopicPartition(topic, 0));
                for (int i = 0; i < 30; i++) {
                    log.appendAsLeader(Batches.of(T0, topic + i), 0);
                }
            }
        }
        Path segment = dir.resolve("damaged-0").resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        long sizeBefore = Files.size(segment);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(sizeBefore - 3);
            int b = f.read();
            f.seek(sizeBefore - 3);
            f.write(b ^ 0x40);
        }
        try (LogManager manager = new LogManager(List.of(dir), topic -> SMALL, clock)) {
            TopicPartition damaged = new TopicPartition("damaged", 0);
            assertTrue(manager.offlinePartitions().get(damaged).contains("refusing to truncate"),
                    manager.offlinePartitions().toString());
            assertThrows(StorageException.class, () -> manager.getOrCreateLog(damaged));
            PartitionLog healthy = manager.getLog(new TopicPartition("healthy", 0)).orElseThrow();
            assertEquals(30, healthy.logEndOffset());
        }
        assertEquals(sizeBefore, Files.size(segment), "the damaged segment was not cut");
    }

    @Test
    void damageBelowTheRecoveryPointInTheActiveSegmentIsRefusedAfterACrash() throws Exception {
        Path dir = tmp.resolve("t-0");
        LogConfig everyAppendFsynced = LogConfig.defaults().withOverrides(Map.of("flush.messages", "1"));
        PartitionLog log = PartitionLog.open(dir, everyAppendFsynced, clock);
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(Batches.of(T0, "acked" + i), 0);
        }
        assertEquals(10, log.recoveryPoint());
        log.closeAbruptlyForTest();
        Path segment = dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        long size = Files.size(segment);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(size / 3);
            int b = f.read();
            f.seek(size / 3);
            f.write(b ^ 0x01);
        }
        StorageException e = assertThrows(StorageException.class, () -> PartitionLog.open(dir, everyAppendFsynced, clock));
        assertTrue(e.getMessage().contains("below the recovery point 10"), e.getMessage());
        assertEquals(size, Files.size(segment), "fsynced records were not truncated away");
    }

    @Test
    void aFollowerGapAcrossSegmentsSurvivesACrash() {
        Path dir = tmp.resolve("t-0");
        LogConfig tiny = LogConfig.defaults().withOverrides(Map.of("segment.bytes", "100"));
        PartitionLog log = PartitionLog.open(dir, tiny, clock);
        long[] bases = {0, 1, 50, 51};
        for (long base : bases) {
            ByteBuffer fromLeader = Batches.of(T0, "at" + base);
            new RecordBatch(fromLeader, 0).setBaseOffset(base);
            log.appendAsFollower(fromLeader);
        }
        log.closeAbruptlyForTest();
        try (PartitionLog reopened = PartitionLog.open(dir, tiny, clock)) {
            assertEquals(52, reopened.logEndOffset(), "a process crash loses nothing the OS accepted");
            assertEquals(List.of("at50", "at51"), Batches.readValues(reopened, 50));
        }
    }

    @Test
    void backgroundFlushMovesTheRecoveryPointPastRolledSegments() {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("t-0"), SMALL, clock)) {
            for (int i = 0; i < 40; i++) {
                log.appendAsLeader(Batches.of(T0, "v" + i), 0);
            }
            assertTrue(log.numberOfSegments() > 2);
            assertEquals(0, log.recoveryPoint());
            log.maybeFlush(clock.nowMs());
            List<LogSegment> segments = log.segments();
            assertEquals(segments.get(segments.size() - 1).baseOffset(), log.recoveryPoint(),
                    "everything below the active segment is fsynced and need not be rescanned after a crash");
            log.closeAbruptlyForTest();
        }
        try (PartitionLog log = PartitionLog.open(tmp.resolve("t-0"), SMALL, clock)) {
            List<LogSegment> segments = log.segments();
            for (int i = 0; i < segments.size(); i++) {
                assertEquals(i == segments.size() - 1, segments.get(i).wasRecovered(),
                        "after a crash only the segment past the recovery point is rescanned (segment " + i + ")");
            }
            assertEquals(40, log.logEndOffset());
        }
    }

    @Test
    void aRolledSegmentThatLostWholeBatchesDropsTheSegmentsAfterIt() throws Exception {
        Path dir = tmp.resolve("t-0");
        PartitionLog log = PartitionLog.open(dir, SMALL, clock);
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(Batches.of(T0, "v" + i), 0);
        }
        List<LogSegment> segments = log.segments();
        LogSegment first = segments.get(0);
        long nextBase = segments.get(1).baseOffset();
        log.closeAbruptlyForTest();
        // power loss: the first segment's last batch never reached the disk, but later files did
        Path file = dir.resolve(LogSegment.fileName(first.baseOffset(), LogSegment.LOG_SUFFIX));
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file));
        RecordBatch batch = new RecordBatch();
        int lastStart = 0;
        for (int p = 0; p < data.limit(); p += batch.sizeInBytes()) {
            lastStart = p;
            batch.wrap(data, p);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(lastStart);
        }
        PartitionLog reopened = PartitionLog.open(dir, SMALL, clock);
        assertEquals(nextBase - 1, reopened.logEndOffset(), "the log ends where the lost batch began: no gap");
        assertEquals(1, reopened.numberOfSegments());
        assertEquals(nextBase - 1, reopened.appendAsLeader(Batches.of(T0, "new"), 1).firstOffset());
        reopened.close();
    }

    @Test
    void aFollowerGapFarAboveAnEmptySegmentStillLoads() {
        Path dir = tmp.resolve("t-0");
        long farOffset = 3_000_000_000L;
        try (PartitionLog log = PartitionLog.open(dir, SMALL, clock)) {
            ByteBuffer fromLeader = Batches.of(T0, "far");
            new RecordBatch(fromLeader, 0).setBaseOffset(farOffset);
            log.appendAsFollower(fromLeader);
            assertEquals(farOffset + 1, log.logEndOffset());
        }
        try (PartitionLog log = PartitionLog.open(dir, SMALL, clock)) {
            assertEquals(farOffset + 1, log.logEndOffset());
            assertEquals(List.of("far"), Batches.readValues(log, farOffset));
        }
    }

    @Test
    void anInterruptedDeletionIsFinishedAtStart() throws Exception {
        Path dir = tmp.resolve("logs");
        Path leftover = dir.resolve("orders-0.1700000000000" + PartitionLog.DELETED_SUFFIX);
        Files.createDirectories(leftover);
        Files.writeString(leftover.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX)), "partial");
        try (LogManager manager = new LogManager(List.of(dir), topic -> SMALL, clock)) {
            assertTrue(manager.allLogs().isEmpty());
            assertFalse(Files.exists(leftover));
        }
    }

    @Test
    void topicNamesFollowKafkasRules() {
        assertEquals("topic name 'a/b' contains '/': only ASCII letters, digits, '.', '_' and '-' are allowed",
                assertThrows(IllegalArgumentException.class, () -> new TopicPartition("a/b", 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TopicPartition("..", 0));
        assertThrows(IllegalArgumentException.class, () -> new TopicPartition("x".repeat(250), 0));
        assertEquals(249, new TopicPartition("x".repeat(249), 0).topic().length());
        assertThrows(IllegalArgumentException.class, () -> new TopicPartition("ok", -1));
    }
}
