package io.fjord.broker.cli;

import io.fjord.storage.bench.StorageBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fjord perf ...}: throughput and latency measurements. */
@Command(name = "perf", mixinStandardHelpOptions = true, description = "Measure Fjord's performance.",
        subcommands = {PerfCommand.Storage.class, PerfCommand.Quorum.class})
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

    @Command(name = "quorum", mixinStandardHelpOptions = true,
            description = "Metadata quorum commit latency, throughput and fail-over time: 3 voters in one process, or"
                    + " with --processes 3 controller processes on loopback (leader killed with kill -9).")
    static final class Quorum implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "fjord-data/perf-quorum",
                description = "Scratch directory, deleted afterwards (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--entries", defaultValue = "20000", description = "Entries to commit (default: ${DEFAULT-VALUE}).")
        int entries;

        @Option(names = "--in-flight", defaultValue = "64",
                description = "Appends awaiting commit at once (default: ${DEFAULT-VALUE}).")
        int inFlight;

        @Option(names = "--entry-bytes", defaultValue = "100", description = "Entry size (default: ${DEFAULT-VALUE}).")
        int entryBytes;

        @Option(names = "--failovers", defaultValue = "20",
                description = "Leader stops to time (default: ${DEFAULT-VALUE}).")
        int failovers;

        @Option(names = "--processes", description = "Run 3 real controller processes (default: one process).")
        boolean processes;

        @Override
        public Integer call() throws Exception {
            if (processes) {
                new QuorumProcessBenchmark(dir, System.out).run(entries, inFlight, entryBytes, failovers);
            } else {
                new QuorumBenchmark(dir, System.out).run(entries, inFlight, entryBytes, failovers);
            }
            return 0;
        }
    }
}
