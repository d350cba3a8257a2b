package io.fjord.storage.log;

import io.fjord.proto.record.RecordBatch;
import io.fjord.storage.StorageFiles;
import io.fjord.storage.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unclean stops: the log files are cut or damaged the way a crash, a torn write or a bad disk would leave them,
 * and the reopened log must keep every valid batch before the damage, drop the rest, and go on working.
 */
class LogCrashTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final LogConfig CONFIG = LogConfig.defaults().withOverrides(Map.of(
            "segment.bytes", "2000", "index.interval.bytes", "100"));

    @TempDir
    Path tmp;
    private final ManualClock clock = new ManualClock(T0);

    /** Writes batches of 1-3 records; returns the end position of every batch in the active segment's file. */
    private List<Integer> writeBatches(Path dir, int batches, boolean crash) {
        PartitionLog log = PartitionLog.open(dir, CONFIG, clock);
        for (int i = 0; i < batches; i++) {
            String[] values = new String[1 + i % 3];
            for (int j = 0; j < values.length; j++) {
                values[j] = "b" + i + "r" + j;
            }
            log.appendAsLeader(Batches.of(T0 + i, values), 1 + i / 10);
        }
        LogSegment active = log.segments().get(log.segments().size() - 1);
        List<Integer> ends = new ArrayList<>();
        ByteBuffer data = readFile(active);
        RecordBatch batch = new RecordBatch();
        for (int p = 0; p < data.limit(); p += batch.sizeInBytes()) {
            batch.wrap(data, p);
            ends.add(p + batch.sizeInBytes());
        }
        if (crash) {
            log.closeAbruptlyForTest();
        } else {
            log.close();
        }
        return ends;
    }

    private static ByteBuffer readFile(LogSegment segment) {
        try {
            Path file = segment.offsetIndex().file().resolveSibling(
                    LogSegment.fileName(segment.baseOffset(), LogSegment.LOG_SUFFIX));
            return ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Path activeLogFile(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    private static List<String> expectedValues(int batches) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            for (int j = 0; j < 1 + i % 3; j++) {
                values.add("b" + i + "r" + j);
            }
        }
        return values;
    }

    @Test
    void cutAtEveryByteOfTheTailKeepsEveryWholeBatch() throws IOException {
        Path template = tmp.resolve("template");
        List<Integer> ends = writeBatches(template, 25, true);
        Path activeFile = activeLogFile(template);
        long activeBase = Long.parseLong(activeFile.getFileName().toString().replace(".log", ""));
        int size = ends.get(ends.size() - 1);
        int firstCut = ends.size() >= 3 ? ends.get(ends.size() - 3) : 0;
        List<String> all = expectedValues(25);
        int recordsBeforeActive = (int) activeBase;
        for (int cut = firstCut; cut <= size; cut++) {
            Path dir = tmp.resolve("cut-" + cut);
            copyDir(template, dir);
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(activeFile.getFileName()).toFile(), "rw")) {
                f.setLength(cut);
            }
            int wholeBatches = 0;
            for (int end : ends) {
                wholeBatches += end <= cut ? 1 : 0;
            }
            PartitionLog log = PartitionLog.open(dir, CONFIG, clock);
            List<String> values = Batches.readValues(log, 0);
            int expectedRecords = recordsBeforeActive + countRecords(template, activeBase, wholeBatches);
            assertEquals(all.subList(0, expectedRecords), values, "cut at byte " + cut);
            assertEquals(expectedRecords, log.logEndOffset(), "cut at byte " + cut);
            long next = log.appendAsLeader(Batches.of(T0, "after"), 9).firstOffset();
            assertEquals(expectedRecords, next, "appends continue at the recovered end, cut at " + cut);
            log.close();
            StorageFiles.deleteRecursively(dir);
        }
    }

    private static int countRecords(Path template, long activeBase, int wholeBatches) throws IOException {
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(template.resolve(
                LogSegment.fileName(activeBase, LogSegment.LOG_SUFFIX))));
        RecordBatch batch = new RecordBatch();
        int count = 0;
        int p = 0;
        for (int i = 0; i < wholeBatches; i++) {
            batch.wrap(data, p);
            count += batch.recordCount();
            p += batch.sizeInBytes();
        }
        return count;
    }

    @Test
    void flippedBytesTruncateAtTheDamagedBatch() throws IOException {
        Path template = tmp.resolve("template");
        List<Integer> ends = writeBatches(template, 25, true);
        Path activeFile = activeLogFile(template);
        long activeBase = Long.parseLong(activeFile.getFileName().toString().replace(".log", ""));
        int size = ends.get(ends.size() - 1);
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int position = random.nextInt(size);
            Path dir = tmp.resolve("flip-" + trial);
            copyDir(template, dir);
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(activeFile.getFileName()).toFile(), "rw")) {
                f.seek(position);
                int old = f.read();
                f.seek(position);
                f.write(old ^ (1 << random.nextInt(8)));
            }
            int damagedBatch = 0;
            while (ends.get(damagedBatch) <= position) {
                damagedBatch++;
            }
            int batchStart = damagedBatch == 0 ? 0 : ends.get(damagedBatch - 1);
            PartitionLog log = PartitionLog.open(dir, CONFIG, clock);
            long expectedEnd = activeBase + countRecords(template, activeBase, damagedBatch);
            int field = position - batchStart;
            boolean coveredByCrcOrLength = field >= RecordBatch.BATCH_LENGTH_OFFSET
                    && field < RecordBatch.PARTITION_LEADER_EPOCH_OFFSET || field >= RecordBatch.MAGIC_OFFSET;
            if (coveredByCrcOrLength) {
                assertEquals(expectedEnd, log.logEndOffset(), "flip at byte " + position + " (batch " + damagedBatch + ")");
            } else {
                // baseOffset and partitionLeaderEpoch are outside the CRC (the leader stamps them): such a flip is
                // caught only when it breaks offset order, so only the batches before the damage are guaranteed.
                assertTrue(log.logEndOffset() >= expectedEnd, "flip in an uncovered field at " + position);
            }
            List<String> values = Batches.readValues(log, 0);
            assertEquals(expectedValues(25).subList(0, (int) expectedEnd), values.subList(0, (int) expectedEnd),
                    "records before the damage survive, flip at " + position);
            log.close();
            StorageFiles.deleteRecursively(dir);
        }
    }

    @Test
    void missingOrCorruptIndexesAreRebuiltAfterACleanClose() throws IOException {
        Path dir = tmp.resolve("orders-0");
        writeBatches(dir, 40, false);
        PartitionLog reference = PartitionLog.open(dir, CONFIG, clock);
        List<String> expected = Batches.readValues(reference, 0);
        long expectedTimestampOffset = reference.findOffsetByTimestamp(T0 + 30).orElseThrow().offset();
        reference.close();
        List<Path> indexes;
        try (var files = Files.list(dir)) {
            indexes = files.filter(p -> p.toString().endsWith("index")).sorted().toList();
        }
        Files.delete(indexes.get(0));
        Files.write(indexes.get(1), new byte[] {1, 2, 3}); // not a whole entry
        Path third = indexes.get(2);
        byte[] garbage = new byte[(int) Files.size(third)];
        new Random(3).nextBytes(garbage);
        Files.write(third, garbage);
        PartitionLog log = PartitionLog.open(dir, CONFIG, clock);
        assertEquals(expected, Batches.readValues(log, 0));
        assertEquals(expectedTimestampOffset, log.findOffsetByTimestamp(T0 + 30).orElseThrow().offset());
        for (long offset = 0; offset < log.logEndOffset(); offset += 7) {
            assertEquals(expected.subList((int) offset, expected.size()), Batches.readValues(log, offset));
        }
        log.close();
    }

    @Test
    void uncleanStopWithPreallocatedIndexesRebuildsThem() {
        Path dir = tmp.resolve("orders-0");
        writeBatches(dir, 40, true);
        PartitionLog log = PartitionLog.open(dir, CONFIG, clock);
        assertEquals(expectedValues(40), Batches.readValues(log, 0));
        for (long offset = 0; offset < log.logEndOffset(); offset += 5) {
            List<String> all = expectedValues(40);
            assertEquals(all.subList((int) offset, all.size()), Batches.readValues(log, offset));
        }
        log.close();
    }

    @Test
    void garbageAfterTheLastBatchIsTruncated() throws IOException {
        Path dir = tmp.resolve("orders-0");
        writeBatches(dir, 10, true);
        Path active = activeLogFile(dir);
        byte[] tail = new byte[300];
        new Random(11).nextBytes(tail);
        Files.write(active, tail, java.nio.file.StandardOpenOption.APPEND);
        PartitionLog log = PartitionLog.open(dir, CONFIG, clock);
        assertEquals(expectedValues(10), Batches.readValues(log, 0));
        log.close();
    }

    @Test
    void leftoverTemporaryCheckpointIsIgnored() throws IOException {
        Path dir = tmp.resolve("orders-0");
        writeBatches(dir, 10, false);
        Files.writeString(dir.resolve("leader-epoch-checkpoint.tmp"), "0\n5\nhalf");
        PartitionLog log = PartitionLog.open(dir, CONFIG, clock);
        assertEquals(expectedValues(10), Batches.readValues(log, 0));
        assertTrue(Files.notExists(dir.resolve("leader-epoch-checkpoint.tmp")));
        log.close();
    }

    @Test
    void aLostSegmentInTheMiddleDropsEverythingAfterIt() throws IOException {
        Path dir = tmp.resolve("orders-0");
        writeBatches(dir, 60, true);
        List<Path> logs;
        try (var files = Files.list(dir)) {
            logs = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        assertTrue(logs.size() >= 3, "the test needs several segments");
        try (RandomAccessFile f = new RandomAccessFile(logs.get(1).toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        PartitionLog log = PartitionLog.open(dir, CONFIG, clock);
        List<String> values = Batches.readValues(log, 0);
        assertEquals(expectedValues(60).subList(0, values.size()), values);
        assertTrue(log.logEndOffset() < Long.parseLong(logs.get(2).getFileName().toString().replace(".log", "")),
                "segments after the damaged one are deleted");
        assertEquals(2, log.numberOfSegments());
        log.close();
    }

    private static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }
}
