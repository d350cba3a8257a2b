package io.fjord.broker.cli;

import io.fjord.storage.bench.StorageBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fjord perf ...}: throughput and latency measurements. */
@Command(name = "perf", mixinStandardHelpOptions = true, description = "Measure Fjord's performance.",
        subcommands = {PerfCommand.Storage.class})
final class PerfCommand {
    @Command(name = "storage", mixinStandardHelpOptions = true,
            description = "Partition-log append and read throughput vs. plain sequential file writes.")
    static final class Storage implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "fjord-data/perf-storage",
                description = "Scratch directory, deleted afterwards (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--mib", defaultValue = "512", description = "MiB written per round (default: ${DEFAULT-VALUE}).")
        long mib;

        @Override
        public Integer call() throws Exception {
            StorageBenchmark.run(dir, mib * 1024 * 1024, System.out);
            return 0;
        }
    }
}
