package io.fjord.storage.bench;

import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.RecordBatchBuilder;
import io.fjord.storage.log.FetchDataInfo;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.time.Clock;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Random;

/**
 * Measures {@link PartitionLog} append and sequential read throughput against plain {@link FileChannel} sequential
 * writes of the same bytes to the same directory, in the same run. Batches are 16 KiB of uncompressed records;
 * nothing is fsynced in either path (the log's default flush policy), so the ratio shows the log's own overhead.
 * Each measurement is repeated and the best round is reported.
 */
public final class StorageBenchmark {
    /** One measured configuration. */
    public record Result(int recordSizeBytes, double appendMbPerSec, double appendRecordsPerSec,
                         double plainWriteMbPerSec, double readMbPerSec, double readRecordsPerSec) {
        public double appendToPlainRatio() {
            return appendMbPerSec / plainWriteMbPerSec;
        }
    }

    private static final int BATCH_BYTES = 16 * 1024;
    private static final int ROUNDS = 3;

    private StorageBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/storage-bench");
        long totalBytes = args.length > 1 ? Long.parseLong(args[1]) : 512L * 1024 * 1024;
        run(dir, totalBytes, System.out);
    }

    public static void run(Path dir, long totalBytes, PrintStream out) throws IOException {
        out.printf("storage benchmark: %d MiB per round, 16 KiB batches, best of %d rounds, in %s%n",
                totalBytes >> 20, ROUNDS, dir.toAbsolutePath());
        out.printf("%-12s %14s %16s %14s %8s %14s %16s%n", "record size", "append MB/s", "append rec/s",
                "plain MB/s", "ratio", "read MB/s", "read rec/s");
        for (int recordSize : new int[] {100, 1024}) {
            Result r = measure(dir, recordSize, totalBytes);
            out.printf("%-12s %14.1f %16.0f %14.1f %7.0f%% %14.1f %16.0f%n", recordSize + " B", r.appendMbPerSec(),
                    r.appendRecordsPerSec(), r.plainWriteMbPerSec(), 100 * r.appendToPlainRatio(), r.readMbPerSec(),
                    r.readRecordsPerSec());
        }
    }

    public static Result measure(Path dir, int recordSizeBytes, long totalBytes) throws IOException {
        ByteBuffer batch = buildBatch(recordSizeBytes);
        int recordsPerBatch = new io.fjord.proto.record.RecordBatch(batch, 0).recordCount();
        long batches = Math.max(1, totalBytes / batch.remaining());
        long bytes = batches * batch.remaining();
        double bestAppend = 0;
        double bestPlain = 0;
        double bestRead = 0;
        for (int round = 0; round < ROUNDS; round++) {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            bestPlain = Math.max(bestPlain, plainWrite(dir.resolve("plain.bin"), batch, batches));
            Files.delete(dir.resolve("plain.bin"));
            Path logDir = dir.resolve("bench-0");
            try (PartitionLog log = PartitionLog.open(logDir, LogConfig.defaults(), Clock.SYSTEM)) {
                long start = System.nanoTime();
                for (long i = 0; i < batches; i++) {
                    log.appendAsLeader(batch.duplicate(), 0);
                }
                bestAppend = Math.max(bestAppend, perSecond(start));
                long readStart = System.nanoTime();
                long offset = 0;
                long end = log.logEndOffset();
                while (offset < end) {
                    FetchDataInfo data = log.read(offset, 1024 * 1024, end, true);
                    ByteBuffer records = data.records();
                    int last = lastBatchStart(records);
                    offset = new io.fjord.proto.record.RecordBatch(records, last).nextOffset();
                }
                bestRead = Math.max(bestRead, perSecond(readStart));
            }
        }
        deleteRecursively(dir);
        double mb = bytes / 1e6;
        long records = batches * recordsPerBatch;
        return new Result(recordSizeBytes, mb * bestAppend, records * bestAppend, mb * bestPlain, mb * bestRead,
                records * bestRead);
    }

    /** 1/seconds since {@code startNs}: rounds are compared by rate, so the best round has the largest value. */
    private static double perSecond(long startNs) {
        return 1e9 / (System.nanoTime() - startNs);
    }

    private static double plainWrite(Path file, ByteBuffer batch, long batches) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            long position = 0;
            for (long i = 0; i < batches; i++) {
                ByteBuffer src = batch.duplicate();
                while (src.hasRemaining()) {
                    position += channel.write(src, position);
                }
            }
            return perSecond(start);
        }
    }

    private static int lastBatchStart(ByteBuffer records) {
        int position = 0;
        int last = 0;
        while (position < records.limit()) {
            last = position;
            position += io.fjord.proto.record.RecordBatch.sizeAt(records, position, records.limit());
        }
        return last;
    }

    private static ByteBuffer buildBatch(int recordSizeBytes) {
        Random random = new Random(42);
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE, BATCH_BYTES);
        byte[] value = new byte[recordSizeBytes];
        random.nextBytes(value);
        long now = System.currentTimeMillis();
        while (builder.estimatedSizeInBytes() + RecordBatchBuilder.recordSizeUpperBound(null, value) <= BATCH_BYTES) {
            builder.append(now, null, value);
        }
        return builder.build();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
