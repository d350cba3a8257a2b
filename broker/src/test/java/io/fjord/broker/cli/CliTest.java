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
    void devFormatsOnFirstStartAndKeepsDataAcrossStarts() {
        String dir = tmp.resolve("fjord-data").toString();
        Run first = fjord("dev", "--data-dir", dir);
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("Formatted "), first.out());
        assertTrue(first.out().contains("storage engine only"), "dev says plainly what is missing");
        assertTrue(first.out().contains("1 start(s) recorded so far"), first.out());
        Run second = fjord("dev", "--data-dir", dir);
        assertTrue(!second.out().contains("Formatted "), "formats only once");
        assertTrue(second.out().contains("written at offset 1") && second.out().contains("2 start(s)"), second.out());
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
}
