package io.fjord.broker.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code fjord} commands as a user runs them: output, exit codes and one-line errors. */
class CliTest {
    @TempDir
    Path tmp;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run fjord(String... args) {
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cli = FjordMain.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(originalOut);
        }
    }

    @Test
    void versionNamesTheJavaRuntime() {
        Run run = fjord("--version");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("fjord 0.1.0-SNAPSHOT" + System.lineSeparator()), run.out());
        assertTrue(run.out().contains("Java " + Runtime.version() + " ("), run.out());
        assertTrue(run.out().contains(" at " + System.getProperty("java.home")), run.out());
    }

    @Test
    void formatValidatesAndRefusesToReformat() {
        String id = fjord("random-id").out().trim();
        assertEquals(22, id.length(), id);
        String dir = tmp.resolve("node-1").toString();
        Run ok = fjord("format", "--cluster-id", id, "--node-id", "1", "--log-dir", dir);
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().startsWith("Formatted "), ok.out());
        Run again = fjord("format", "--cluster-id", id, "--node-id", "1", "--log-dir", dir);
        assertTrue(again.out().startsWith("Already formatted "), again.out());
        Run other = fjord("format", "--cluster-id", id, "--node-id", "2", "--log-dir", dir);
        assertEquals(1, other.exitCode());
        assertTrue(other.err().startsWith("fjord format: ") && other.err().contains("refusing to re-format"),
                other.err());
        Run bad = fjord("format", "--cluster-id", "nope", "--node-id", "1", "--log-dir", tmp.resolve("x").toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("invalid cluster.id=nope"), bad.err());
        Run missing = fjord("format", "--node-id", "1");
        assertEquals(2, missing.exitCode(), "usage errors exit 2");
        assertTrue(missing.err().contains("Missing required options"), missing.err());
    }

    @Test
    void formatWithInitialControllersGivesTheListedDirectoryIdAndFixesTheVoterSet() throws Exception {
        String cluster = fjord("random-id").out().trim();
        String d1 = fjord("random-id").out().trim();
        String d2 = fjord("random-id").out().trim();
        String voters = "1@127.0.0.1:19093:" + d1 + ",2@127.0.0.1:19094:" + d2;
        Path dir = tmp.resolve("c1");
        Run ok = fjord("format", "--cluster-id", cluster, "--node-id", "1", "--log-dir", dir.toString(),
                "--initial-controllers", voters);
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(java.nio.file.Files.readString(dir.resolve("meta.properties")).contains("directory.id=" + d1));
        assertTrue(ok.out().contains("Metadata quorum voters " + voters), ok.out());
        Run changed = fjord("format", "--cluster-id", cluster, "--node-id", "1", "--log-dir", dir.toString(),
                "--initial-controllers", "1@127.0.0.1:19093:" + d1 + ",2@127.0.0.1:19094:" + d1);
        assertEquals(1, changed.exitCode());
        assertTrue(changed.err().contains("already holds the voter set"), changed.err());
        Run malformed = fjord("format", "--cluster-id", cluster, "--node-id", "3", "--log-dir",
                tmp.resolve("c3").toString(), "--initial-controllers", "3@host:19095");
        assertEquals(1, malformed.exitCode());
        assertTrue(malformed.err().contains("not of the form id@host:port:directoryId"), malformed.err());
    }

    @Test
    void serverRefusesABadConfigurationInOneLine() throws Exception {
        Path config = tmp.resolve("c.properties");
        java.nio.file.Files.writeString(config, "node.id=1\nprocess.roles=controller\nlog.dirs=" + tmp.resolve("none")
                + "\ncontroller.quorum.fetch.timeout.ms=ten\n");
        Run bad = fjord("server", "--config", config.toString());
        assertEquals(1, bad.exitCode());
        assertEquals("fjord server: controller.quorum.fetch.timeout.ms=ten is not allowed: an integer from 10 to"
                + " 600000", bad.err().trim());
        java.nio.file.Files.writeString(config, "node.id=1\nprocess.roles=controller\nlog.dirs=" + tmp.resolve("none")
                + "\n");
        Run unformatted = fjord("server", "--config", config.toString());
        assertEquals(1, unformatted.exitCode());
        assertTrue(unformatted.err().contains("is not formatted; run: fjord format"), unformatted.err());
    }

    @Test
    void aotTrainingRunsItsWorkloadAgainstARealNodeAndCleansUp() throws Exception {
        Path scratch = tmp.resolve("scratch");
        // a setting meant for the user's nodes (the training auto-creates topics) does not reach the training node
        System.setProperty("fjord.auto.create.topics.enable", "false");
        Run run;
        try {
            run = fjord("aot-training", "--records", "5000", "--dir", scratch.toString());
        } finally {
            System.clearProperty("fjord.auto.create.topics.enable");
        }
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("AOT training workload done in "), run.out());
        try (var left = java.nio.file.Files.list(scratch)) {
            assertEquals(0, left.count(), "the scratch data directory is deleted");
        }
        Run tooFew = fjord("aot-training", "--records", "5");
        assertEquals(1, tooFew.exitCode());
        assertEquals("fjord aot-training: --records must be at least 10", tooFew.err().trim());
    }
}
