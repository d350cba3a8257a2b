package io.fjord.client.cli;

import io.fjord.client.testing.FakeBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's output against a scripted test double (not the real broker). */
class CliAgainstFakeBrokerTest {
    private FakeBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new FakeBroker();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private CliRunner.Result run(String... args) {
        return runWithInput(null, args);
    }

    private CliRunner.Result runWithInput(String stdin, String... args) {
        String[] full = java.util.Arrays.copyOf(args, args.length + 2);
        full[args.length] = "--bootstrap-server";
        full[args.length + 1] = broker.address();
        return CliRunner.runWithInput(stdin, full);
    }

    @Test
    void topicsCreateDescribeListDelete() {
        CliRunner.Result created = run("topics", "create", "orders", "--partitions", "2", "--replication-factor",
                "1", "--config", "retention.ms=1000", "--config", "cleanup.policy=compact");
        assertEquals(0, created.exitCode(), created.err());
        assertEquals("Created topic orders (id id-orders).", created.out().trim());
        assertEquals(Map.of("retention.ms", "1000", "cleanup.policy", "compact"), broker.topicConfigs.get("orders"));

        CliRunner.Result described = run("topics", "describe", "orders");
        assertEquals(0, described.exitCode(), described.err());
        assertEquals("Topic: orders\tTopicId: id-orders\tPartitionCount: 2\tReplicationFactor: 1\t"
                + "Configs: cleanup.policy=compact,retention.ms=1000\n"
                + "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n"
                + "\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\n", described.out());

        run("topics", "create", "audit");
        assertEquals("audit\norders\n", run("topics", "list").out());
        assertEquals(0, run("topics", "delete", "audit").exitCode());
        assertEquals("orders\n", run("topics", "list").out());
    }

    @Test
    void brokerErrorsAreShownWithTheirCode() {
        run("topics", "create", "orders");
        CliRunner.Result again = run("topics", "create", "orders");
        assertEquals(1, again.exitCode());
        assertEquals("error: TOPIC_ALREADY_EXISTS: Topic 'orders' already exists. (create topic orders)",
                again.err().trim());
        CliRunner.Result rf = run("topics", "create", "x", "--replication-factor", "3");
        assertEquals(1, rf.exitCode());
        assertTrue(rf.err().startsWith("error: INVALID_REPLICATION_FACTOR: Replication factor: 3 larger than"),
                rf.err());
    }

    @Test
    void produceThenConsumeAsTextAndJson() {
        broker.createTopic("t", 1);
        CliRunner.Result produced = runWithInput("a:1\nb:2\nplain\n", "produce", "t", "--key-separator", ":");
        assertEquals(0, produced.exitCode(), produced.err());
        assertEquals("Sent 3 record(s) to t.", produced.err().trim());

        CliRunner.Result text = run("consume", "t", "--from-beginning", "--max-messages", "3", "--print-key");
        assertEquals(0, text.exitCode(), text.err());
        assertEquals("a\t1\nb\t2\nnull\tplain\n", text.out());

        CliRunner.Result json = run("consume", "t", "--partition", "0", "--offset", "1", "--max-messages", "1",
                "--format", "json");
        assertEquals(0, json.exitCode(), json.err());
        assertTrue(json.out().matches("\\{\"partition\":0,\"offset\":1,\"timestamp\":\\d+,\"key\":\"b\","
                + "\"value\":\"2\"}\n"), json.out());

        CliRunner.Result timeout = run("consume", "t", "--timeout-ms", "300");
        assertEquals(0, timeout.exitCode(), timeout.err());
        assertEquals("", timeout.out());
        assertTrue(timeout.err().contains("Processed a total of 0 messages"), timeout.err());
    }

    @Test
    void consumingAMissingTopicFailsAtOnce() {
        CliRunner.Result r = run("consume", "nope");
        assertEquals(1, r.exitCode());
        assertEquals("error: UNKNOWN_TOPIC_OR_PARTITION: topic nope does not exist (topic nope)", r.err().trim());
    }

    @Test
    void clusterDescribe() {
        CliRunner.Result r = run("cluster", "describe");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("ClusterId: fake-cluster\nController: 1\nBrokers:\n\t1\t" + broker.address() + "\n", r.out());
    }

    @Test
    void perfProduceAndConsumePrintAFinalLine() {
        broker.createTopic("perf", 2);
        CliRunner.Result produced = run("perf", "produce", "--topic", "perf", "--records", "2000", "--record-size",
                "100", "--acks", "1", "--throughput", "-1", "--reporting-interval-ms", "1");
        assertEquals(0, produced.exitCode(), produced.err());
        String[] lines = produced.out().trim().split("\n");
        assertTrue(lines.length >= 2, "progress lines and a final line: " + produced.out());
        assertTrue(lines[lines.length - 1].matches("2000 records sent, [\\d.]+ records/sec \\([\\d.]+ MB/sec\\), "
                + "[\\d.]+ ms avg latency, [\\d.]+ ms 50th, [\\d.]+ ms 99th, [\\d.]+ ms 99.9th, [\\d.]+ ms max "
                + "latency\\."), lines[lines.length - 1]);

        CliRunner.Result warmed = run("perf", "produce", "--topic", "perf", "--records", "2000", "--record-size",
                "10", "--acks", "1", "--warmup-records", "500");
        assertEquals(0, warmed.exitCode(), warmed.err());
        String[] warmedLines = warmed.out().trim().split("\n");
        assertTrue(warmedLines[warmedLines.length - 2].startsWith("2000 records sent, "), warmed.out());
        assertTrue(warmedLines[warmedLines.length - 1].startsWith("1500 records sent in steady state, "),
                warmed.out());
        assertEquals(1, run("perf", "produce", "--topic", "perf", "--records", "10", "--record-size", "1",
                "--warmup-records", "10").exitCode(), "the warm-up must leave records to measure");

        CliRunner.Result consumed = run("perf", "consume", "--topic", "perf", "--records", "4000");
        assertEquals(0, consumed.exitCode(), consumed.err());
        assertTrue(consumed.out().trim().startsWith("4000 records received"), consumed.out());
    }
}
