package io.fjord.storage.bench;

import io.fjord.storage.StorageFiles;
import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.RecordBatchBuilder;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.log.ValidatedBatches;
import io.fjord.storage.time.Clock;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * Measures {@link PartitionLog} append and sequential read throughput against plain {@link FileChannel} sequential
 * writes of the same bytes to the same directory, in the same run. Batches are 16 KiB of uncompressed records;
 * nothing is fsynced in either path (the log's default flush policy), so the ratio shows the log's own overhead.
 *
 * <p>Three figures for writing: the log append of already-validated batches (what runs under the partition's lock:
 * stamping, indexing, writing), the full producer validation on its own (what a broker's request thread does
 * first, outside the lock), and the two together on one thread. Each round measures the paths alternating which
 * goes first; every figure is the median over the rounds, and the ratio the median of the per-round ratios, which
 * keeps page-cache writeback and other drift from favouring one side.
 */
public final class StorageBenchmark {
    /** One measured configuration. */
    public record Result(int recordSizeBytes, double appendMbPerSec, double appendRecordsPerSec,
                         double plainWriteMbPerSec, double appendToPlainRatio, double validateMicrosPerBatch,
                         double validatedAppendMbPerSec, double readMbPerSec, double readRecordsPerSec) {
    }

    private static final int BATCH_BYTES = 16 * 1024;
    private static final int ROUNDS = 5;

    private StorageBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/storage-bench");
        long totalBytes = args.length > 1 ? Long.parseLong(args[1]) : 512L * 1024 * 1024;
        run(dir, totalBytes, System.out);
    }

    public static void run(Path dir, long totalBytes, PrintStream out) throws IOException {
        out.printf("storage benchmark: %d MiB per round, 16 KiB batches, median of %d rounds, in %s%n",
                totalBytes >> 20, ROUNDS, dir.toAbsolutePath());
        out.printf("%-8s %12s %14s %11s %7s %16s %18s %10s %14s%n", "record", "append MB/s", "append rec/s",
                "plain MB/s", "ratio", "validate us/batch", "validate+append MB/s", "read MB/s", "read rec/s");
        for (int recordSize : new int[] {100, 1024}) {
            Result r = measure(dir, recordSize, totalBytes);
            out.printf("%-8s %12.1f %14.0f %11.1f %6.0f%% %16.2f %18.1f %10.1f %14.0f%n", recordSize + " B",
                    r.appendMbPerSec(), r.appendRecordsPerSec(), r.plainWriteMbPerSec(), 100 * r.appendToPlainRatio(),
                    r.validateMicrosPerBatch(), r.validatedAppendMbPerSec(), r.readMbPerSec(), r.readRecordsPerSec());
        }
    }

    public static Result measure(Path dir, int recordSizeBytes, long totalBytes) throws IOException {
        ByteBuffer batch = buildBatch(recordSizeBytes);
        int recordsPerBatch = new io.fjord.proto.record.RecordBatch(batch, 0).recordCount();
        long batches = Math.max(1, totalBytes / batch.remaining());
        double[] append = new double[ROUNDS];
        double[] plain = new double[ROUNDS];
        double[] ratio = new double[ROUNDS];
        double[] read = new double[ROUNDS];
        double[] validate = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            validate[round] = validateRate(batch, batches);
            StorageFiles.deleteRecursively(dir);
            Files.createDirectories(dir);
            if (round % 2 == 0) {
                plain[round] = plainWrite(dir, batch, batches);
                append[round] = appendAndRead(dir, batch, batches, read, round);
            } else {
                append[round] = appendAndRead(dir, batch, batches, read, round);
                plain[round] = plainWrite(dir, batch, batches);
            }
            ratio[round] = append[round] / plain[round];
        }
        StorageFiles.deleteRecursively(dir);
        double mb = batches * batch.remaining() / 1e6;
        long records = batches * recordsPerBatch;
        double validateRate = median(validate);
        double combinedRate = 1 / (1 / median(append) + 1 / validateRate);
        return new Result(recordSizeBytes, mb * median(append), records * median(append), mb * median(plain),
                median(ratio), 1e6 / (validateRate * batches), mb * combinedRate, mb * median(read),
                records * median(read));
    }

    /** Full producer validation of {@code batches} copies; returns validations (of all copies) per second. */
    private static double validateRate(ByteBuffer batch, long batches) {
        long start = System.nanoTime();
        for (long i = 0; i < batches; i++) {
            ValidatedBatches.fromProducer(batch.duplicate(), Integer.MAX_VALUE);
        }
        return perSecond(start);
    }

    /**
     * Appends {@code batches} copies of a validated batch as the leader (the log stamps the same buffer again each
     * time), then reads them all back; returns appends (of all copies) per second.
     */
    private static double appendAndRead(Path dir, ByteBuffer batch, long batches, double[] reads, int round) {
        Path logDir = dir.resolve("bench-0");
        double appendRate;
        ValidatedBatches validated = ValidatedBatches.fromProducer(batch.duplicate(), Integer.MAX_VALUE);
        try (PartitionLog log = PartitionLog.open(logDir, LogConfig.defaults(), Clock.SYSTEM)) {
            long start = System.nanoTime();
            for (long i = 0; i < batches; i++) {
                log.appendAsLeader(validated, 0);
            }
            appendRate = perSecond(start);
            long readStart = System.nanoTime();
            long offset = 0;
            long end = log.logEndOffset();
            while (offset < end) {
                ByteBuffer records = log.read(offset, 1024 * 1024, end, true).records();
                offset = new io.fjord.proto.record.RecordBatch(records, lastBatchStart(records)).nextOffset();
            }
            reads[round] = perSecond(readStart);
        }
        return appendRate;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Writes {@code batches} copies with plain positional writes to a scratch file; returns writes per second. */
    private static double plainWrite(Path dir, ByteBuffer batch, long batches) throws IOException {
        Path file = dir.resolve("plain.bin");
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
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** 1 / seconds elapsed since {@code startNs}: multiplied by a count, a rate per second. */
    private static double perSecond(long startNs) {
        return 1e9 / (System.nanoTime() - startNs);
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
}
