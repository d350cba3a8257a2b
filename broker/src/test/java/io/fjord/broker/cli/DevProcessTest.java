package io.fjord.broker.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fjord dev} as a user runs it: a real process, formatted on first start, one ready line; records produced and
 * consumed through the CLI; management endpoints; SIGTERM stops it cleanly, and a restart finds the data.
 */
class DevProcessTest {
    @TempDir
    Path tmp;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run fjord(String stdin, String... args) {
        PrintStream originalOut = System.out;
        InputStream originalIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            CommandLine cli = FjordMain.commandLine();
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
            int code = cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(originalOut);
            System.setIn(originalIn);
        }
    }

    private Process startDev(Path data, Path log, int port, int controllerPort, int managementPort) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Files.deleteIfExists(log);
        // a setting from the environment, as a user would give it: auto-created topics get two partitions
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                FjordMain.class.getName(), "dev", "--data-dir", data.toString(), "--port", String.valueOf(port),
                "--controller-port", String.valueOf(controllerPort), "--management-port",
                String.valueOf(managementPort))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("FJORD_NUM_PARTITIONS", "2");
        return builder.start();
    }

    private static String awaitReady(Process dev, Path log) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !dev.isAlive() || Files.readString(log).contains("ready"));
        String out = read(log);
        assertTrue(dev.isAlive() && out.contains("Fjord dev ready on localhost:"), out);
        return out;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void servesTheCliAndKeepsDataAcrossARestart() throws Exception {
        Path data = tmp.resolve("fjord-data");
        Path log = tmp.resolve("dev.log");
        int port = LocalQuorumCluster.freePort();
        int controllerPort = LocalQuorumCluster.freePort();
        int managementPort = LocalQuorumCluster.freePort();
        String bootstrap = "localhost:" + port;
        Process dev = startDev(data, log, port, controllerPort, managementPort);
        try {
            String first = awaitReady(dev, log);
            assertTrue(first.contains("formatted " + data.toAbsolutePath()), first);

            Run produced = fjord("k1:hello\nk2:world\n", "produce", "demo", "--key-separator", ":",
                    "--bootstrap-server", bootstrap);
            assertEquals(0, produced.exitCode(), produced.err());
            Run consumed = fjord("", "consume", "demo", "--from-beginning", "--max-messages", "2", "--print-key",
                    "--key-separator", "=", "--timeout-ms", "20000", "--bootstrap-server", bootstrap);
            assertEquals(0, consumed.exitCode(), consumed.err());
            assertTrue(consumed.out().contains("k1=hello") && consumed.out().contains("k2=world"), consumed.out());

            Run described = fjord("", "topics", "describe", "demo", "--bootstrap-server", bootstrap);
            assertTrue(described.out().contains("Leader: 1") && described.out().contains("Isr: 1"), described.out());
            assertTrue(described.out().contains("PartitionCount: 2"), "FJORD_NUM_PARTITIONS applies: "
                    + described.out());

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + managementPort + "/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + managementPort + "/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
            java.util.regex.Matcher leo = java.util.regex.Pattern.compile(
                    "fjord_partition_log_end_offset\\{partition=\"[01]\",topic=\"demo\"} ([0-9.]+)")
                    .matcher(metrics.body());
            double records = 0;
            int partitions = 0;
            while (leo.find()) {
                records += Double.parseDouble(leo.group(1));
                partitions++;
            }
            assertEquals(2, partitions, metrics.body());
            assertEquals(2.0, records, "both records, over the two partitions: " + metrics.body());
            assertTrue(metrics.body().contains("fjord_requests_seconds_count{api=\"Produce\""), metrics.body());

            dev.destroy(); // SIGTERM, as Ctrl-C or Kubernetes stops it
            assertTrue(dev.waitFor(30, TimeUnit.SECONDS), "stops within 30 s:\n" + read(log));
            assertTrue(read(log).contains("Fjord dev: stopped"), read(log));

            dev = startDev(data, log, port, controllerPort, managementPort);
            String second = awaitReady(dev, log);
            assertFalse(second.contains("formatted"), "formats only once: " + second);
            Run again = fjord("", "consume", "demo", "--from-beginning", "--max-messages", "2",
                    "--timeout-ms", "20000", "--bootstrap-server", bootstrap);
            assertEquals(0, again.exitCode(), again.err());
            assertTrue(again.out().contains("hello") && again.out().contains("world"), again.out());
        } finally {
            dev.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
