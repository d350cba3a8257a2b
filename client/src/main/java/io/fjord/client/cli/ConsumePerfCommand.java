package io.fjord.client.cli;

import io.fjord.client.ConsumerRecord;
import io.fjord.client.ConsumerRecords;
import io.fjord.client.FjordConsumer;
import io.fjord.client.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code fjord perf consume}: reads N records from the beginning of every partition of a topic. Latency is end to
 * end: the time of receipt minus the record's timestamp (meaningful when producer and consumer clocks agree, e.g.
 * on one machine).
 */
@Command(name = "consume", description = "Measure consumer throughput.", mixinStandardHelpOptions = true)
public final class ConsumePerfCommand extends ClientCommand {
    @Option(names = "--topic", required = true, description = "The topic to read.")
    String topic;

    @Option(names = "--records", required = true, paramLabel = "N", description = "How many records to read.")
    long records;

    @Option(names = "--timeout-ms", defaultValue = "30000",
            description = "Give up after this long without a record (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--max-poll-records", defaultValue = "2000", hidden = true)
    int maxPollRecords;

    @Option(names = "--reporting-interval-ms", defaultValue = "5000", hidden = true)
    long reportingIntervalMs;

    @Override
    protected int execute(PrintWriter out) {
        if (records <= 0) {
            throw new IllegalArgumentException("--records must be > 0");
        }
        checkReachable();
        PerfStats stats = new PerfStats(out, "received", reportingIntervalMs, System.currentTimeMillis());
        long endMs;
        try (FjordConsumer consumer = new FjordConsumer(Map.of("bootstrap.servers", bootstrap.value(),
                "auto.offset.reset", "earliest", "max.poll.records", maxPollRecords,
                "client.id", "fjord-perf-consumer"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> p.topicPartition()).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long lastRecordMs = System.currentTimeMillis();
            while (stats.count() < records) {
                ConsumerRecords batch = consumer.poll(Duration.ofMillis(500));
                long nowMs = System.currentTimeMillis();
                for (ConsumerRecord r : batch) {
                    int size = (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                    stats.record((nowMs - r.timestamp()) * 1000, size, nowMs);
                }
                if (!batch.isEmpty()) {
                    lastRecordMs = nowMs;
                } else if (nowMs - lastRecordMs > timeoutMs) {
                    out.println(stats.summary(nowMs));
                    spec.commandLine().getErr().println("error: only " + stats.count() + " of " + records
                            + " records arrived; none for " + timeoutMs + " ms");
                    return EXIT_FAILURE;
                }
            }
            endMs = System.currentTimeMillis(); // the last record is in: closing is not consuming (as Kafka's tool)
        }
        out.println(stats.summary(endMs));
        return 0;
    }
}
