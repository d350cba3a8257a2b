package io.fjord.client.cli;

import io.fjord.client.ConsumerRecord;
import io.fjord.client.ConsumerRecords;
import io.fjord.client.FjordConsumer;
import io.fjord.client.PartitionInfo;
import io.fjord.client.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code fjord consume TOPIC}: prints records as they arrive, from the end (default), the beginning, or an offset;
 * stops after {@code --max-messages} or after {@code --timeout-ms} without a record.
 */
@Command(name = "consume", description = "Print records from a topic.", mixinStandardHelpOptions = true)
public final class ConsumeCommand extends ClientCommand {
    /** Output formats. */
    public enum Format { text, json }

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic to read.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offset (default: only new records).")
    boolean fromBeginning;

    @Option(names = "--partition", paramLabel = "N", description = "Read only this partition (default: all).")
    Integer partition;

    @Option(names = "--offset", paramLabel = "OFFSET", description = "Start at this offset (needs --partition).")
    Long offset;

    @Option(names = "--max-messages", paramLabel = "N", description = "Exit after N records.")
    Long maxMessages;

    @Option(names = "--timeout-ms", paramLabel = "MS",
            description = "Exit when no record arrived for MS milliseconds (default: never).")
    Long timeoutMs;

    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--print-key", description = "Print the key before the value (text format).")
    boolean printKey;

    @Option(names = "--key-separator", defaultValue = "\t", paramLabel = "SEP",
            description = "Between key and value with --print-key (default: a tab).")
    String keySeparator;

    @Override
    protected int execute(PrintWriter out) {
        if (offset != null && partition == null) {
            throw new IllegalArgumentException("--offset needs --partition");
        }
        if (offset != null && fromBeginning) {
            throw new IllegalArgumentException("give either --offset or --from-beginning, not both");
        }
        checkReachable();
        try (FjordConsumer consumer = new FjordConsumer(Map.of("bootstrap.servers", bootstrap.value(),
                "auto.offset.reset", fromBeginning ? "earliest" : "latest", "client.id", "fjord-cli-consumer",
                "default.api.timeout.ms", 30_000L))) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (partition != null) {
                if (partition < 0 || partition >= infos.size()) {
                    throw new IllegalArgumentException("topic " + topic + " has no partition " + partition
                            + " (it has " + infos.size() + ")");
                }
                partitions.add(new TopicPartition(topic, partition));
            } else {
                infos.forEach(p -> partitions.add(p.topicPartition()));
            }
            consumer.assign(partitions);
            if (offset != null) {
                consumer.seek(partitions.get(0), offset);
            }
            return loop(consumer, out);
        }
    }

    private int loop(FjordConsumer consumer, PrintWriter out) {
        long printed = 0;
        long lastRecordMs = System.currentTimeMillis();
        while (maxMessages == null || printed < maxMessages) {
            ConsumerRecords records = consumer.poll(Duration.ofMillis(timeoutMs == null ? 1000
                    : Math.max(1, Math.min(1000, timeoutMs))));
            for (ConsumerRecord r : records) {
                out.println(format == Format.json ? RecordFormatter.json(r)
                        : RecordFormatter.text(r, printKey, keySeparator));
                printed++;
                lastRecordMs = System.currentTimeMillis();
                if (maxMessages != null && printed >= maxMessages) {
                    break;
                }
            }
            out.flush();
            if (timeoutMs != null && System.currentTimeMillis() - lastRecordMs >= timeoutMs) {
                break;
            }
        }
        spec.commandLine().getErr().println("Processed a total of " + printed + " messages");
        return 0;
    }
}
