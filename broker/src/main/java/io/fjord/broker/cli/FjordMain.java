package io.fjord.broker.cli;

import io.fjord.client.cli.ClientCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code fjord} executable. */
@Command(name = "fjord", mixinStandardHelpOptions = true, versionProvider = FjordMain.Version.class,
        description = "Fjord: a distributed, replicated, partitioned commit log.",
        subcommands = {DevCommand.class, ServerCommand.class, FormatCommand.class, FormatCommand.RandomId.class,
                QuorumCommand.class, PerfCommand.class, AotTrainingCommand.class})
public final class FjordMain implements Runnable {
    private static final String NETTY_REFLECTION = "io.grpc.netty.shaded.io.netty.tryReflectionSetAccessible";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // with the jar's Add-Opens of java.nio, Netty's pooled direct buffers skip the JDK's zeroing and Cleaner
        // (4% of a broker's CPU taking 1 KiB records); must be set before Netty's first use
        System.setProperty(NETTY_REFLECTION, System.getProperty(NETTY_REFLECTION, "true"));
        System.exit(commandLine().execute(args));
    }

    /** The command line with Fjord's error handling: a failing command prints one line and exits 1. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FjordMain());
        ClientCommands.topLevel().forEach(cli::addSubcommand);
        CommandLine perf = cli.getSubcommands().get("perf");
        ClientCommands.perf().forEach(perf::addSubcommand);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("fjord " + commandLine.getCommandName() + ": " + e.getMessage());
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Fjord's version and the Java runtime running it (the launcher picks the newest JDK installed). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fjord 0.1.0-SNAPSHOT",
                "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor")
                        + ") at " + System.getProperty("java.home")};
        }
    }
}
