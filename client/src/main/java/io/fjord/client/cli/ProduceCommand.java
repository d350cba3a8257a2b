package io.fjord.client.cli;

import io.fjord.client.FjordException;
import io.fjord.client.FjordProducer;
import io.fjord.client.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** {@code fjord produce TOPIC}: one record per line of stdin (UTF-8), key and value split by a separator. */
@Command(name = "produce", description = "Send one record per line read from stdin.", mixinStandardHelpOptions = true)
public final class ProduceCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic to write to.")
    String topic;

    @Option(names = "--key-separator", paramLabel = "SEP",
            description = "Split each line at the first SEP into key and value (default: no key).")
    String keySeparator;

    @Option(names = "--acks", defaultValue = "all", description = "all, 1 or 0 (default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = "--partition", paramLabel = "N", description = "Write every record to this partition.")
    Integer partition;

    @Option(names = "--compression", defaultValue = "none",
            description = "none, gzip, snappy, lz4, zstd (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--linger-ms", defaultValue = "5", description = "linger.ms (default: ${DEFAULT-VALUE}).")
    long lingerMs;

    /** Where lines come from; stdin unless a test sets it. */
    InputStream in = System.in;

    @Override
    protected int execute(PrintWriter out) throws IOException {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap.value());
        config.put("acks", acks);
        config.put("compression.type", compression);
        config.put("linger.ms", lingerMs);
        config.put("max.block.ms", 30_000L);
        config.put("client.id", "fjord-cli-producer");
        checkReachable();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        long sent = 0;
        try (FjordProducer producer = new FjordProducer(config);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            producer.partitionsFor(topic);
            String line;
            while ((line = reader.readLine()) != null) {
                producer.send(toRecord(line), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e);
                    }
                });
                sent++;
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            Exception e = firstError.get();
            spec.commandLine().getErr().println("error: " + failed.get() + " of " + sent + " record(s) failed; first: "
                    + (e instanceof FjordException f ? describe(f) : String.valueOf(e)));
            return EXIT_FAILURE;
        }
        spec.commandLine().getErr().println("Sent " + sent + " record(s) to " + topic + ".");
        return 0;
    }

    ProducerRecord toRecord(String line) {
        byte[] key = null;
        String value = line;
        if (keySeparator != null && !keySeparator.isEmpty()) {
            int at = line.indexOf(keySeparator);
            if (at >= 0) {
                key = line.substring(0, at).getBytes(StandardCharsets.UTF_8);
                value = line.substring(at + keySeparator.length());
            }
        }
        return new ProducerRecord(topic, partition, key, value.getBytes(StandardCharsets.UTF_8));
    }
}
