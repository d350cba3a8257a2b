package io.fjord.client.cli;

import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs the client commands in-process and captures exit code, stdout and stderr. */
final class CliRunner {
    record Result(int exitCode, String out, String err) {
    }

    static Result run(String... args) {
        return runWithInput(null, args);
    }

    static Result runWithInput(String stdin, String... args) {
        CommandLine root = ClientCommands.standalone();
        if (stdin != null) {
            ProduceCommand produce = root.getSubcommands().get("produce").getCommand();
            produce.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        root.setOut(new PrintWriter(out, true));
        root.setErr(new PrintWriter(err, true));
        int code = root.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
