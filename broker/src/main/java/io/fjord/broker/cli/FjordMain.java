package io.fjord.broker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code fjord} executable. */
@Command(name = "fjord", mixinStandardHelpOptions = true, version = "fjord 0.1.0-SNAPSHOT",
        description = "Fjord: a distributed, replicated, partitioned commit log.",
        subcommands = {DevCommand.class, PerfCommand.class})
public final class FjordMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FjordMain()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
