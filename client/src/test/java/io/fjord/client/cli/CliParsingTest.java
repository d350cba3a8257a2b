package io.fjord.client.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument parsing, help and failures that need no broker. */
class CliParsingTest {
    @Test
    void helpListsTheOptions() {
        CliRunner.Result r = CliRunner.run("topics", "create", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("--partitions"), r.out());
        assertTrue(r.out().contains("--replication-factor"), r.out());
        assertTrue(r.out().contains("--bootstrap-server"), r.out());
        assertTrue(r.out().contains("localhost:9092"), r.out());
    }

    @Test
    void everyCommandHasHelp() {
        String[][] commands = {{"topics"}, {"topics", "list"}, {"topics", "describe"}, {"topics", "delete"},
                {"topics", "alter"}, {"produce"}, {"consume"}, {"cluster", "describe"}, {"perf", "produce"},
                {"perf", "consume"}};
        for (String[] command : commands) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(0, r.exitCode(), String.join(" ", command) + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: fjord " + String.join(" ", command)), r.out());
        }
    }

    @Test
    void missingArgumentsAreUsageErrors() {
        CliRunner.Result r = CliRunner.run("topics", "create");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing required parameter: 'NAME'"), r.err());
        assertEquals(2, CliRunner.run("perf", "produce", "--topic", "t").exitCode());
        assertEquals(2, CliRunner.run("topics").exitCode());
        assertEquals(2, CliRunner.run("consume", "t", "--format", "xml").exitCode());
    }

    @Test
    void anUnreachableBrokerGetsAHelpfulMessage() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        for (String[] args : new String[][] {{"topics", "list"}, {"cluster", "describe"}, {"consume", "t"},
                {"perf", "produce", "--topic", "t", "--records", "1", "--record-size", "1"}}) {
            String[] full = java.util.Arrays.copyOf(args, args.length + 2);
            full[args.length] = "--bootstrap-server";
            full[args.length + 1] = address;
            CliRunner.Result r = CliRunner.run(full);
            assertEquals(1, r.exitCode(), String.join(" ", args));
            assertEquals("error: cannot reach a broker at " + address + ": is `./fjord dev` running?",
                    r.err().trim(), String.join(" ", args));
        }
    }

    @Test
    void inconsistentOptionsAreExplained() {
        CliRunner.Result r = CliRunner.run("consume", "t", "--offset", "5");
        assertEquals(1, r.exitCode());
        assertEquals("error: --offset needs --partition", r.err().trim());
        r = CliRunner.run("topics", "create", "t", "--config", "novalue");
        assertEquals(1, r.exitCode());
        assertEquals("error: --config expects key=value, got 'novalue'", r.err().trim());
    }

    @Test
    void produceSplitsKeyAndValueAtTheFirstSeparator() {
        ProduceCommand command = new ProduceCommand();
        command.topic = "t";
        command.keySeparator = ":";
        var record = command.toRecord("k1:v:1");
        assertEquals("k1", new String(record.key()));
        assertEquals("v:1", new String(record.value()));
        assertEquals(null, command.toRecord("novalue").key());
    }

    @Test
    void throttlerSpacesEventsEvenly() {
        Throttler throttler = new Throttler(1000, 0);
        assertEquals(0, throttler.delayNs(0, 0));
        assertEquals(5_000_000, throttler.delayNs(10, 5_000_000));
        assertEquals(0, new Throttler(-1, 0).delayNs(1_000_000, 0));
    }
}
