package io.fjord.client.cli;

import picocli.CommandLine;

import java.util.List;

/**
 * The client's CLI commands, for the {@code fjord} executable to mount:
 * {@code topics}, {@code produce}, {@code consume}, {@code cluster} at the top level, and
 * {@code produce}/{@code consume} under its {@code perf} parent. For example:
 * <pre>{@code
 * CommandLine root = new CommandLine(new FjordMain());
 * ClientCommands.topLevel().forEach(root::addSubcommand);
 * CommandLine perf = root.getSubcommands().get("perf");
 * ClientCommands.perf().forEach(perf::addSubcommand);
 * }</pre>
 */
public final class ClientCommands {
    private ClientCommands() {
    }

    public static List<Object> topLevel() {
        return List.of(new TopicsCommand(), new ProduceCommand(), new ConsumeCommand(), new ClusterCommand());
    }

    public static List<Object> perf() {
        return List.of(new ProducePerfCommand(), new ConsumePerfCommand());
    }

    /** A stand-alone root with every client command (and {@code perf produce|consume}), for tests and tools. */
    public static CommandLine standalone() {
        CommandLine root = new CommandLine(new Root());
        topLevel().forEach(root::addSubcommand);
        CommandLine perf = new CommandLine(new Perf());
        perf().forEach(perf::addSubcommand);
        root.addSubcommand(perf);
        return root;
    }

    public static void main(String[] args) {
        System.exit(standalone().execute(args));
    }

    @CommandLine.Command(name = "fjord", mixinStandardHelpOptions = true,
            description = "Fjord client tools.")
    static final class Root implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
        }
    }

    @CommandLine.Command(name = "perf", mixinStandardHelpOptions = true, description = "Performance tools.")
    static final class Perf implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: produce, consume");
        }
    }
}
