package io.fjord.storage.log;

import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.Record;
import io.fjord.proto.record.RecordBatch;
import io.fjord.proto.record.RecordBatchBuilder;
import io.fjord.storage.StorageFiles;
import io.fjord.storage.index.TimestampOffset;
import io.fjord.storage.testkit.Seeds;
import io.fjord.storage.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random operations on a real {@link PartitionLog} checked against an in-memory model after every step: appends
 * (some compressed), bounded reads, rolls, follower truncation, full truncation, record deletion, retention,
 * flushes, clean restarts, and crashes that lose the unflushed tail or leave garbage after it.
 * One seed picks the config and every operation.
 */
class LogModelTest {
    private static final int DEFAULT_SEEDS = 60;
    private static final int STEPS = 250;

    @TempDir
    Path tmp;

    /** One batch as the model knows it. */
    private record ModelBatch(long baseOffset, long maxTimestamp, List<Record> records) {
        long lastOffset() {
            return records.get(records.size() - 1).offset();
        }
    }

    @Test
    void randomOperationsMatchTheModel() {
        Seeds.run(getClass(), "randomOperationsMatchTheModel", DEFAULT_SEEDS, this::runSeed);
    }

    private void runSeed(long seed) {
        new Run(seed, tmp.resolve("seed-" + seed)).go();
    }

    private static final class Run {
        private final Random random;
        private final Path dir;
        private final ManualClock clock = new ManualClock(1_700_000_000_000L);
        private final LogConfig config;
        private final List<ModelBatch> model = new ArrayList<>();
        private long logStart;
        private long logEnd;
        private int epoch;
        private PartitionLog log;

        Run(long seed, Path dir) {
            this.random = new Random(seed);
            this.dir = dir;
            this.config = LogConfig.defaults().withOverrides(Map.of(
                    "segment.bytes", Integer.toString(300 + random.nextInt(3000)),
                    "index.interval.bytes", Integer.toString(random.nextInt(400)),
                    "segment.index.bytes", Integer.toString(24 + 12 * random.nextInt(20)),
                    "segment.ms", Integer.toString(1000 + random.nextInt(100_000)),
                    "retention.ms", random.nextBoolean() ? "-1" : Integer.toString(5000 + random.nextInt(50_000)),
                    "retention.bytes", random.nextBoolean() ? "-1" : Integer.toString(2000 + random.nextInt(10_000)),
                    "flush.messages", random.nextInt(4) == 0 ? Integer.toString(1 + random.nextInt(20)) : "9223372036854775807"));
        }

        void go() {
            log = PartitionLog.open(dir, config, clock);
            try {
                for (int step = 0; step < STEPS; step++) {
                    String op = step(random.nextInt(100));
                    try {
                        checkBounds();
                        if (step % 25 == 0) {
                            checkAllContents();
                        }
                    } catch (AssertionError e) {
                        throw new AssertionError("after step " + step + " (" + op + "): " + e.getMessage(), e);
                    }
                }
                checkAllContents();
            } finally {
                log.close();
                try {
                    StorageFiles.deleteRecursively(dir);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }

        private String step(int dice) {
            if (dice < 40) {
                append();
                return "append";
            } else if (dice < 55) {
                read();
                return "read";
            } else if (dice < 60) {
                findByTimestamp();
                return "findOffsetByTimestamp";
            } else if (dice < 64) {
                log.roll();
                return "roll";
            } else if (dice < 69) {
                truncate();
                return "truncateTo";
            } else if (dice < 71) {
                truncateFully();
                return "truncateFullyAndStartAt";
            } else if (dice < 75) {
                deleteRecords();
                return "deleteRecordsBefore";
            } else if (dice < 81) {
                retention();
                return "deleteOldSegments";
            } else if (dice < 85) {
                if (random.nextBoolean()) {
                    log.flush();
                    return "flush";
                }
                log.maybeFlush(clock.nowMs());
                return "background flush";
            } else if (dice < 90) {
                clock.advanceMs(random.nextInt(20_000));
                return "advance clock";
            } else if (dice < 95) {
                log.close();
                log = PartitionLog.open(dir, config, clock);
                checkAllContents();
                return "clean restart";
            } else {
                crash();
                return "crash";
            }
        }

        private void append() {
            if (random.nextInt(10) == 0) {
                epoch++;
            }
            CompressionType codec = random.nextInt(4) == 0
                    ? CompressionType.values()[1 + random.nextInt(4)] : CompressionType.NONE;
            RecordBatchBuilder builder = new RecordBatchBuilder(codec);
            int count = 1 + random.nextInt(6);
            List<byte[]> values = new ArrayList<>();
            List<Long> timestamps = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] value = random.nextInt(10) == 0 ? null : new byte[random.nextInt(200)];
                if (value != null) {
                    random.nextBytes(value);
                }
                long ts = clock.nowMs() - random.nextInt(3) * 10L;
                builder.append(ts, null, value);
                values.add(value);
                timestamps.add(ts);
            }
            LogAppendInfo info = log.appendAsLeader(builder.build(), epoch);
            assertEquals(logEnd, info.firstOffset(), "offsets are assigned from the log end");
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                records.add(new Record(logEnd + i, timestamps.get(i), null, values.get(i), List.of()));
            }
            model.add(new ModelBatch(logEnd, timestamps.stream().max(Long::compare).orElseThrow(), records));
            logEnd += count;
        }

        private void read() {
            long from = logStart + (logEnd == logStart ? 0 : (long) (random.nextDouble() * (logEnd - logStart + 1)));
            long bound = from + random.nextInt((int) (logEnd - from) + 2);
            int maxBytes = 1 + random.nextInt(3000);
            boolean minOne = random.nextBoolean();
            ByteBuffer data = log.read(from, maxBytes, bound, minOne).records();
            List<Record> got = Batches.records(data.duplicate());
            if (!minOne) {
                assertTrue(data.remaining() <= maxBytes, "read returned more than maxBytes");
            }
            RecordBatch batch = new RecordBatch();
            for (int p = 0; p < data.limit(); p += batch.sizeInBytes()) {
                batch.wrap(data, p);
                assertTrue(batch.baseOffset() < bound, "a batch at or above the upper bound was returned");
            }
            if (!got.isEmpty()) {
                assertTrue(got.get(0).offset() <= from, "the first batch contains the requested offset");
                for (Record r : got) {
                    assertRecordEquals(modelRecord(r.offset()), r);
                }
            } else if (minOne && from < logEnd && from < bound) {
                ModelBatch containing = batchContaining(from);
                assertTrue(containing.baseOffset() >= bound, "minOneBatch read returned nothing at " + from);
            }
            if (from < logStart || from > logEnd) {
                throw new AssertionError("model chose an out of range read");
            }
            if (logStart > 0) {
                assertThrows(OffsetOutOfRangeException.class, () -> log.read(logStart - 1, 100, Long.MAX_VALUE, true));
            }
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(logEnd + 1, 100, Long.MAX_VALUE, true));
        }

        private void findByTimestamp() {
            long target = clock.nowMs() - random.nextInt(60_000);
            Optional<TimestampOffset> expected = Optional.empty();
            outer:
            for (ModelBatch b : model) {
                if (b.maxTimestamp() >= target && b.lastOffset() >= logStart) {
                    for (Record r : b.records()) {
                        if (r.timestamp() >= target && r.offset() >= logStart) {
                            expected = Optional.of(new TimestampOffset(r.timestamp(), r.offset()));
                            break outer;
                        }
                    }
                }
            }
            assertEquals(expected, log.findOffsetByTimestamp(target), "findOffsetByTimestamp(" + target + ")");
        }

        private void truncate() {
            long target = logStart + (long) (random.nextDouble() * (logEnd - logStart + 1));
            log.truncateTo(target);
            truncateModel(target);
            assertEquals(logEnd, log.logEndOffset(), "log end after truncateTo(" + target + ")");
        }

        /**
         * Removes the batch containing {@code target} and all after it. Segment base offsets always equal their
         * first batch's base, so the log then ends at the first removed batch's base offset.
         */
        private void truncateModel(long target) {
            while (!model.isEmpty() && model.get(model.size() - 1).lastOffset() >= target) {
                logEnd = model.remove(model.size() - 1).baseOffset();
            }
            logStart = Math.min(logStart, logEnd);
        }

        private void truncateFully() {
            long newStart = logEnd + random.nextInt(50);
            log.truncateFullyAndStartAt(newStart);
            model.clear();
            logStart = newStart;
            logEnd = newStart;
        }

        private void deleteRecords() {
            long bound = logStart + (long) (random.nextDouble() * (logEnd - logStart + 1));
            long newStart = logStart + (long) (random.nextDouble() * (bound - logStart + 1));
            log.deleteRecordsBefore(newStart, bound);
            logStart = Math.max(logStart, newStart);
        }

        private void retention() {
            long bound = logStart + (long) (random.nextDouble() * (logEnd - logStart + 1));
            long before = logStart;
            log.deleteOldSegments(clock.nowMs(), bound);
            long after = log.logStartOffset();
            assertTrue(after >= before, "retention moved the log start backwards");
            assertTrue(after <= Math.max(before, bound), "retention deleted past the bound " + bound + ": " + after);
            logStart = after;
            if (logStart > logEnd) {
                throw new AssertionError("log start " + logStart + " beyond log end " + logEnd);
            }
        }

        private void crash() {
            long recoveryPoint = log.recoveryPoint();
            log.closeAbruptlyForTest();
            boolean damaged = random.nextBoolean() && loseUnflushedTail(recoveryPoint);
            log = PartitionLog.open(dir, config, clock);
            long end = log.logEndOffset();
            if (!damaged) {
                assertEquals(logEnd, end, "a process crash with every file intact lost data");
            }
            assertTrue(end >= recoveryPoint, "flushed data was lost: recovery point " + recoveryPoint + ", end " + end);
            assertTrue(end <= logEnd, "the log grew across a crash");
            if (end == logStart && log.logStartOffset() == logStart && end < logEnd
                    && model.stream().noneMatch(b -> b.baseOffset() == end)) {
                model.clear(); // lost the tail below the log start: the log restarted empty at its log start
                logEnd = end;
            } else {
                truncateModel(end);
                assertEquals(logEnd, end, "a crash left a partial batch");
            }
            assertEquals(logStart, log.logStartOffset(), "log start after crash");
            checkAllContents();
        }

        /**
         * Cuts the last segment's file somewhere after the recovery point, or appends garbage to it. Returns false
         * if it left the files alone.
         */
        private boolean loseUnflushedTail(long recoveryPoint) {
            try {
                Path last;
                try (var files = Files.list(dir)) {
                    last = files.filter(p -> p.toString().endsWith(".log")).max(Comparator.naturalOrder()).orElseThrow();
                }
                long base = Long.parseLong(last.getFileName().toString().replace(".log", ""));
                if (base < recoveryPoint) {
                    return false; // flushed bytes in this file must not be touched: only unflushed data may be lost
                }
                try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
                    if (random.nextBoolean()) {
                        f.setLength((long) (random.nextDouble() * f.length()));
                    } else {
                        byte[] garbage = new byte[1 + random.nextInt(100)];
                        random.nextBytes(garbage);
                        f.seek(f.length());
                        f.write(garbage);
                    }
                }
                return true;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        private void checkBounds() {
            assertEquals(logStart, log.logStartOffset(), "log start");
            assertEquals(logEnd, log.logEndOffset(), "log end");
            assertTrue(log.recoveryPoint() <= logEnd, "recovery point above the log end");
        }

        private void checkAllContents() {
            List<Record> all = new ArrayList<>();
            long offset = logStart;
            while (offset < logEnd) {
                List<Record> got = Batches.records(log.read(offset, 1 + random.nextInt(2000), Long.MAX_VALUE, true).records());
                assertTrue(!got.isEmpty(), "no data at offset " + offset + " below the log end " + logEnd);
                for (Record r : got) {
                    if (r.offset() >= offset) {
                        all.add(r);
                    }
                }
                offset = got.get(got.size() - 1).offset() + 1;
            }
            List<Record> expected = new ArrayList<>();
            for (ModelBatch b : model) {
                for (Record r : b.records()) {
                    if (r.offset() >= logStart) {
                        expected.add(r);
                    }
                }
            }
            assertEquals(expected.size(), all.size(), "record count between log start and log end");
            for (int i = 0; i < expected.size(); i++) {
                assertRecordEquals(expected.get(i), all.get(i));
            }
        }

        private Record modelRecord(long offset) {
            return batchContaining(offset).records().get((int) (offset - batchContaining(offset).baseOffset()));
        }

        private ModelBatch batchContaining(long offset) {
            for (ModelBatch b : model) {
                if (b.baseOffset() <= offset && offset <= b.lastOffset()) {
                    return b;
                }
            }
            throw new AssertionError("the model has no batch containing offset " + offset);
        }

        private static void assertRecordEquals(Record expected, Record actual) {
            assertEquals(expected.offset(), actual.offset(), "offset");
            assertEquals(expected.timestamp(), actual.timestamp(), "timestamp at offset " + expected.offset());
            assertArrayEquals(expected.value(), actual.value(), "value at offset " + expected.offset());
        }
    }

    @Test
    void seedRunnerReportsTheSeed() {
        long[] seeds = {1, 2, 3};
        AssertionError e = assertThrows(AssertionError.class,
                () -> Seeds.run(LogModelTest.class, "y", seeds, seed -> assertTrue(seed != 2, "boom")));
        assertTrue(e.getMessage().startsWith("seed 2 failed") && e.getMessage().contains("-Dfjord.test.seed=2")
                && e.getMessage().contains("-pl storage ") && e.getMessage().contains("-Dtest=LogModelTest#y"),
                e.getMessage());
        List<Long> seen = new ArrayList<>();
        Seeds.run(LogModelTest.class, "y", seeds, seen::add);
        assertEquals(List.of(1L, 2L, 3L), seen);
    }
}
