package io.fjord.client.cli;

import io.fjord.client.FjordException;
import io.fjord.client.FjordProducer;
import io.fjord.client.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code fjord perf produce}: sends N records of S random bytes as fast as allowed, measuring send→ack latency per
 * record, like kafka-producer-perf-test.
 */
@Command(name = "produce", description = "Measure producer throughput and latency.", mixinStandardHelpOptions = true)
public final class ProducePerfCommand extends ClientCommand {
    private static final long NANOS_PER_MS = 1_000_000;

    @Option(names = "--topic", required = true, description = "The topic to write to.")
    String topic;

    @Option(names = "--records", required = true, paramLabel = "N", description = "How many records to send.")
    long records;

    @Option(names = "--record-size", required = true, paramLabel = "BYTES", description = "Value size in bytes.")
    int recordSizeBytes;

    @Option(names = "--acks", defaultValue = "all", description = "all, 1 or 0 (default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = "--batch-size", defaultValue = "16384", description = "batch.size (default: ${DEFAULT-VALUE}).")
    int batchSizeBytes;

    @Option(names = "--linger-ms", defaultValue = "5", description = "linger.ms (default: ${DEFAULT-VALUE}).")
    long lingerMs;

    @Option(names = "--compression", defaultValue = "none", description = "compression.type (default: none).")
    String compression;

    @Option(names = "--throughput", defaultValue = "-1", paramLabel = "REC_PER_SEC",
            description = "Cap on records/s; -1 for none (default: ${DEFAULT-VALUE}).")
    long throughput;

    @Option(names = "--warmup-records", defaultValue = "0", paramLabel = "N",
            description = "Records sent first and left out of a second, steady-state summary line (as Kafka's"
                    + " tool; default: ${DEFAULT-VALUE}).")
    long warmupRecords;

    @Option(names = "--reporting-interval-ms", defaultValue = "5000", hidden = true)
    long reportingIntervalMs;

    @Override
    protected int execute(PrintWriter out) {
        if (records <= 0 || recordSizeBytes < 0) {
            throw new IllegalArgumentException("--records must be > 0 and --record-size >= 0");
        }
        if (warmupRecords < 0 || warmupRecords >= records) {
            throw new IllegalArgumentException("--warmup-records must be at least 0 and below --records");
        }
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap.value());
        config.put("acks", acks);
        config.put("batch.size", batchSizeBytes);
        config.put("linger.ms", lingerMs);
        config.put("compression.type", compression);
        config.put("client.id", "fjord-perf-producer");
        checkReachable();
        byte[] payload = new byte[recordSizeBytes];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('A' + random.nextInt(26));
        }
        // one clock read per send and per acknowledgement (they are many): the monotonic nanosecond clock, also as
        // the stats' millisecond clock
        PerfStats stats = new PerfStats(out, "sent", reportingIntervalMs, System.nanoTime() / NANOS_PER_MS);
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        Throttler throttler = new Throttler(throughput, System.nanoTime());
        try (FjordProducer producer = new FjordProducer(config)) {
            producer.partitionsFor(topic);
            PerfStats steady = null;
            for (long i = 0; i < records; i++) {
                throttler.throttle(i);
                long sendNs = System.nanoTime();
                if (warmupRecords > 0 && i == warmupRecords) {
                    steady = new PerfStats(out, "sent in steady state", Long.MAX_VALUE, sendNs / NANOS_PER_MS);
                }
                PerfStats steadyStats = steady;
                producer.send(new ProducerRecord(topic, null, payload), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e);
                    } else {
                        long nowNs = System.nanoTime();
                        long latencyUs = (nowNs - sendNs) / 1000;
                        stats.record(latencyUs, payload.length, nowNs / NANOS_PER_MS);
                        if (steadyStats != null) {
                            steadyStats.record(latencyUs, payload.length, nowNs / NANOS_PER_MS);
                        }
                    }
                });
            }
            producer.flush();
            long endMs = System.nanoTime() / NANOS_PER_MS;
            out.println(stats.summary(endMs));
            if (steady != null) {
                out.println(steady.summary(endMs));
            }
        }
        if (failed.get() > 0) {
            Exception e = firstError.get();
            spec.commandLine().getErr().println("error: " + failed.get() + " record(s) failed; first: "
                    + (e instanceof FjordException f ? describe(f) : String.valueOf(e)));
            return EXIT_FAILURE;
        }
        return 0;
    }
}
