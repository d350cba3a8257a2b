package io.fjord.storage.log;

import io.fjord.proto.record.CorruptRecordException;
import io.fjord.proto.record.Record;
import io.fjord.proto.record.RecordBatch;
import io.fjord.storage.epoch.OffsetAndEpoch;
import io.fjord.storage.index.TimestampOffset;
import io.fjord.storage.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionLogTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;
    private final ManualClock clock = new ManualClock(T0);
    private PartitionLog log;

    private PartitionLog open(LogConfig config) {
        log = PartitionLog.open(tmp.resolve("orders-0"), config, clock);
        return log;
    }

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void appendAssignsDenseOffsetsAndStampsEpoch() {
        open(LogConfig.defaults());
        LogAppendInfo first = log.appendAsLeader(Batches.of(T0, "a", "b", "c"), 3);
        LogAppendInfo second = log.appendAsLeader(Batches.of(T0, "d"), 3);
        assertEquals(0, first.firstOffset());
        assertEquals(2, first.lastOffset());
        assertEquals(3, second.firstOffset());
        assertEquals(4, log.logEndOffset());
        ByteBuffer data = log.read(0, 1 << 20, Long.MAX_VALUE, true).records();
        RecordBatch batch = new RecordBatch(data, 0);
        assertEquals(3, batch.partitionLeaderEpoch());
        assertTrue(batch.isValid(), "stamping must keep the CRC valid");
        assertEquals(List.of("a", "b", "c", "d"), Batches.readValues(log, 0));
        assertEquals(List.of("c", "d"), Batches.readValues(log, 2));
        assertEquals(new OffsetAndEpoch(4, 3), log.endOffsetForEpoch(3));
    }

    @Test
    void readOutsideTheLogNamesTheValidRange() {
        open(LogConfig.defaults());
        log.appendAsLeader(Batches.of(T0, "a", "b"), 0);
        assertTrue(log.read(2, 100, Long.MAX_VALUE, true).isEmpty(), "a read at the log end is empty");
        OffsetOutOfRangeException e = assertThrows(OffsetOutOfRangeException.class,
                () -> log.read(3, 100, Long.MAX_VALUE, true));
        assertTrue(e.getMessage().contains("valid offsets are 0 to 2"), e.getMessage());
    }

    @Test
    void readStopsAtTheUpperBoundAndRespectsMaxBytes() {
        open(LogConfig.defaults());
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(Batches.sized(T0, 2, 100), 0);
        }
        List<Record> belowHw = Batches.records(log.read(0, 1 << 20, 6, true).records());
        assertEquals(6, belowHw.size(), "batches starting at or above the bound are not returned");
        int batchSize = new RecordBatch(log.read(0, 1 << 20, 2, true).records(), 0).sizeInBytes();
        assertEquals(2, Batches.records(log.read(0, batchSize + 10, Long.MAX_VALUE, true).records()).size());
        assertTrue(log.read(0, 10, Long.MAX_VALUE, false).isEmpty(), "without minOneBatch a small limit reads nothing");
        assertEquals(2, Batches.records(log.read(0, 10, Long.MAX_VALUE, true).records()).size(),
                "minOneBatch returns the first batch whole even above maxBytes");
    }

    @Test
    void badBatchesAreRefusedAndNothingIsWritten() {
        open(LogConfig.defaults().withOverrides(java.util.Map.of("max.message.bytes", "1000")));
        log.appendAsLeader(Batches.of(T0, "keep"), 0);
        ByteBuffer good = Batches.of(T0, "x");
        ByteBuffer corrupt = Batches.of(T0, "y");
        corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 1));
        ByteBuffer both = ByteBuffer.allocate(good.remaining() + corrupt.remaining()).put(good).put(corrupt).flip();
        CorruptRecordException c = assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(both, 0));
        assertTrue(c.getMessage().contains("batch 1") && c.getMessage().contains("CRC"), c.getMessage());
        RecordTooLargeException big = assertThrows(RecordTooLargeException.class,
                () -> log.appendAsLeader(Batches.sized(T0, 1, 2000), 0));
        assertTrue(big.getMessage().contains("max.message.bytes 1000"), big.getMessage());
        assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(ByteBuffer.allocate(0), 0));
        assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(ByteBuffer.allocate(30), 0));
        assertEquals(1, log.logEndOffset());
        assertEquals(List.of("keep"), Batches.readValues(log, 0));
    }

    @Test
    void rollsOnSizeTimeAndFullIndex() {
        LogConfig config = LogConfig.defaults().withOverrides(java.util.Map.of(
                "segment.bytes", "1000", "segment.ms", "60000", "index.interval.bytes", "1",
                "segment.index.bytes", "48"));
        open(config);
        log.appendAsLeader(Batches.sized(T0, 1, 600), 0);
        log.appendAsLeader(Batches.sized(T0, 1, 600), 0);
        assertEquals(2, log.numberOfSegments(), "second batch does not fit in segment.bytes");
        clock.advanceMs(60_001);
        log.appendAsLeader(Batches.sized(clock.nowMs(), 1, 10), 0);
        assertEquals(3, log.numberOfSegments(), "segment.ms elapsed since the segment's first batch");
        for (int i = 0; i < 8; i++) {
            log.appendAsLeader(Batches.sized(clock.nowMs(), 1, 10), 0);
        }
        assertTrue(log.numberOfSegments() >= 4, "a 48-byte time index holds 4 entries, so the segment rolls");
        assertEquals(11, Batches.readValues(log, 0).size());
        List<LogSegment> segments = log.segments();
        for (int i = 1; i < segments.size(); i++) {
            assertEquals(segments.get(i - 1).nextOffset(), segments.get(i).baseOffset(), "segments are contiguous");
        }
    }

    @Test
    void replayingOldTimestampsDoesNotRollEveryAppend() {
        open(LogConfig.defaults().withOverrides(java.util.Map.of("segment.ms", "60000")));
        long yearsAgo = T0 - 3L * 365 * 24 * 3600 * 1000;
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(Batches.of(yearsAgo + i, "old" + i), 0);
        }
        assertEquals(1, log.numberOfSegments(), "segment age is measured in record time, as in Kafka");
        log.appendAsLeader(Batches.of(yearsAgo + 60_001, "later"), 0);
        assertEquals(2, log.numberOfSegments(), "a batch more than segment.ms after the first one rolls");
    }

    @Test
    void findsOffsetsByTimestamp() {
        open(LogConfig.defaults().withOverrides(java.util.Map.of("segment.bytes", "300", "index.interval.bytes", "1")));
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(Batches.of(T0 + i * 10, "r" + i), 0);
        }
        assertTrue(log.numberOfSegments() > 3);
        assertEquals(Optional.of(new TimestampOffset(T0 + 50, 5)), log.findOffsetByTimestamp(T0 + 50));
        assertEquals(Optional.of(new TimestampOffset(T0 + 60, 6)), log.findOffsetByTimestamp(T0 + 51));
        assertEquals(Optional.of(new TimestampOffset(T0, 0)), log.findOffsetByTimestamp(0));
        assertEquals(Optional.empty(), log.findOffsetByTimestamp(T0 + 1000));
    }

    @Test
    void followerTruncationRemovesRecordsAndEpochs() {
        open(LogConfig.defaults().withSegmentBytes(200));
        log.appendAsLeader(Batches.of(T0, "a", "b"), 1);
        log.appendAsLeader(Batches.of(T0, "c", "d"), 2);
        log.appendAsLeader(Batches.of(T0, "e", "f"), 2);
        log.appendAsLeader(Batches.of(T0, "g"), 3);
        assertTrue(log.truncateTo(4));
        assertEquals(4, log.logEndOffset());
        assertEquals(2, log.latestEpoch());
        assertEquals(List.of("a", "b", "c", "d"), Batches.readValues(log, 0));
        assertFalse(log.truncateTo(10));
        ByteBuffer fromLeader = Batches.of(T0, "E");
        new RecordBatch(fromLeader, 0).setBaseOffset(4);
        new RecordBatch(fromLeader, 0).setPartitionLeaderEpoch(4);
        log.appendAsFollower(fromLeader);
        assertEquals(4, log.latestEpoch());
        assertEquals(new OffsetAndEpoch(4, 2), log.endOffsetForEpoch(2));
        ByteBuffer stale = Batches.of(T0, "old");
        assertThrows(CorruptRecordException.class, () -> log.appendAsFollower(stale),
                "a follower batch below the log end is refused");
    }

    @Test
    void truncateFullyRestartsAtAnOffset() {
        open(LogConfig.defaults());
        log.appendAsLeader(Batches.of(T0, "a", "b"), 1);
        log.truncateFullyAndStartAt(100);
        assertEquals(100, log.logStartOffset());
        assertEquals(100, log.logEndOffset());
        assertEquals(100, log.appendAsLeader(Batches.of(T0, "x"), 2).firstOffset());
        log.close();
        open(LogConfig.defaults());
        assertEquals(100, log.logStartOffset());
        assertEquals(List.of("x"), Batches.readValues(log, 100));
    }

    @Test
    void deleteRecordsNeverPassesTheBound() {
        open(LogConfig.defaults().withSegmentBytes(200));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(Batches.of(T0, "v" + i), 0);
        }
        assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(8, 7));
        int before = log.numberOfSegments();
        log.deleteRecordsBefore(6, 7);
        assertEquals(6, log.logStartOffset());
        assertTrue(log.numberOfSegments() < before, "segments wholly below the new start are deleted");
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(5, 100, Long.MAX_VALUE, true));
        assertEquals(List.of("v6", "v7", "v8", "v9"), Batches.readValues(log, 6));
        log.close();
        open(LogConfig.defaults().withSegmentBytes(200));
        assertEquals(6, log.logStartOffset(), "the log start survives a restart");
    }

    @Test
    void retentionByTimeAndSizeStopsAtTheHighWatermark() {
        LogConfig config = LogConfig.defaults().withOverrides(java.util.Map.of(
                "segment.bytes", "200", "retention.ms", "1000"));
        open(config);
        for (int i = 0; i < 6; i++) {
            log.appendAsLeader(Batches.of(clock.nowMs(), "old" + i), 0);
        }
        clock.advanceMs(5000);
        log.appendAsLeader(Batches.of(clock.nowMs(), "new"), 0);
        int segments = log.numberOfSegments();
        assertEquals(0, log.deleteOldSegments(clock.nowMs(), 0), "nothing below a high watermark of 0");
        int deleted = log.deleteOldSegments(clock.nowMs(), 3);
        assertTrue(deleted > 0 && log.logStartOffset() <= 3, "deleted " + deleted + ", start " + log.logStartOffset());
        log.deleteOldSegments(clock.nowMs(), log.logEndOffset());
        assertEquals(6, log.logStartOffset(), "every expired segment below the high watermark is gone");
        assertEquals(List.of("new"), Batches.readValues(log, 6));
        assertTrue(log.numberOfSegments() < segments);

        log.updateConfig(config.withOverrides(java.util.Map.of("retention.ms", "-1", "retention.bytes", "150")));
        for (int i = 0; i < 6; i++) {
            log.appendAsLeader(Batches.of(clock.nowMs(), "more" + i), 0);
        }
        log.deleteOldSegments(clock.nowMs(), log.logEndOffset());
        assertTrue(log.sizeInBytes() <= 150 + 200, "size retention keeps the log near retention.bytes: "
                + log.sizeInBytes());
        assertEquals("more5", Batches.readValues(log, log.logStartOffset()).get(log.segments().size() == 0 ? 0
                : Batches.readValues(log, log.logStartOffset()).size() - 1));
    }

    @Test
    void retentionRollsAnExpiredActiveSegment() {
        open(LogConfig.defaults().withOverrides(java.util.Map.of("retention.ms", "1000")));
        log.appendAsLeader(Batches.of(clock.nowMs(), "a", "b"), 0);
        clock.advanceMs(2000);
        assertEquals(1, log.deleteOldSegments(clock.nowMs(), 2));
        assertEquals(2, log.logStartOffset());
        assertEquals(2, log.logEndOffset());
        assertEquals(2, log.appendAsLeader(Batches.of(clock.nowMs(), "c"), 0).firstOffset());
    }

    @Test
    void flushPolicyMovesTheRecoveryPoint() {
        open(LogConfig.defaults().withOverrides(java.util.Map.of("flush.messages", "3", "flush.ms", "1000")));
        log.appendAsLeader(Batches.of(T0, "a", "b"), 0);
        assertEquals(0, log.recoveryPoint());
        log.appendAsLeader(Batches.of(T0, "c"), 0);
        assertEquals(3, log.recoveryPoint(), "flush.messages=3 reached");
        log.appendAsLeader(Batches.of(T0, "d"), 0);
        log.maybeFlush(clock.nowMs() + 999);
        assertEquals(3, log.recoveryPoint());
        log.maybeFlush(clock.nowMs() + 1000);
        assertEquals(4, log.recoveryPoint(), "flush.ms elapsed");
    }

    @Test
    void cleanRestartKeepsEverythingWithoutRecovery() throws Exception {
        open(LogConfig.defaults().withOverrides(java.util.Map.of("segment.bytes", "300", "index.interval.bytes", "50")));
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(Batches.of(T0 + i, "v" + i), i / 10);
        }
        List<String> before = Batches.readValues(log, 0);
        log.close();
        Path dir = tmp.resolve("orders-0");
        assertTrue(Files.exists(dir.resolve(".clean-shutdown")));
        open(LogConfig.defaults().withOverrides(java.util.Map.of("segment.bytes", "300", "index.interval.bytes", "50")));
        assertFalse(Files.exists(dir.resolve(".clean-shutdown")), "the marker is cleared while the log is open");
        assertEquals(30, log.recoveryPoint());
        assertTrue(log.segments().size() > 3);
        assertTrue(log.segments().stream().noneMatch(LogSegment::wasRecovered), "a clean restart rescans nothing");
        assertEquals(before, Batches.readValues(log, 0));
        assertEquals(2, log.latestEpoch());
        assertEquals(Optional.of(new TimestampOffset(T0 + 17, 17)), log.findOffsetByTimestamp(T0 + 17));
        assertEquals(30, log.appendAsLeader(Batches.of(T0, "next"), 2).firstOffset());
    }

    @Test
    void configValidationNamesKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogConfig.defaults().withOverrides(java.util.Map.of("segment.bytes", "5")));
        assertEquals("invalid segment.bytes=5: must be at least 14", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LogConfig.defaults().withOverrides(java.util.Map.of("retention.msec", "5")));
        assertTrue(e.getMessage().startsWith("unknown log config 'retention.msec'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LogConfig.defaults().withOverrides(java.util.Map.of("retention.ms", "soon")));
        assertEquals("invalid retention.ms=soon: must be a whole number", e.getMessage());
    }
}
