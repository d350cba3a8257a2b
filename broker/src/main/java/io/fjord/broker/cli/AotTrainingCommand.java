package io.fjord.broker.cli;

import io.fjord.broker.server.FjordNode;
import io.fjord.broker.server.ServerConfig;
import io.fjord.quorum.config.VoterSet;
import io.fjord.storage.StorageFiles;
import io.fjord.storage.manager.Formatter;
import io.fjord.storage.manager.MetaProperties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code fjord aot-training} (hidden): the workload that {@code ./fjord} runs once per build on a JDK 25 or newer,
 * under {@code -XX:AOTCacheOutput}, so that the JDK's ahead-of-time cache holds the classes and method profiles of a
 * node and of the client tools at work (JEP 483, 514, 515). Later JVMs started by {@code ./fjord} then skip most
 * class loading and compile hot code sooner: on this project's 2-core machine the JIT compilers otherwise take 4-10 s
 * of CPU in every fresh JVM.
 *
 * <p>The workload is real: a combined node on free loopback ports in a scratch directory, and the {@code perf
 * produce}, {@code perf consume}, {@code topics} and {@code cluster} commands against it, each checked for success.
 */
@Command(name = "aot-training", hidden = true, mixinStandardHelpOptions = true,
        description = "Run the workload that trains the JDK's ahead-of-time cache (used by ./fjord).")
final class AotTrainingCommand implements Callable<Integer> {
    private static final long READY_TIMEOUT_MS = 60_000;

    @Option(names = "--records", defaultValue = "1000000",
            description = "100-byte records produced with acks=1 and consumed; the other runs are in proportion"
                    + " (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--dir", description = "Where the scratch data directory goes; deleted afterwards (default: the"
            + " system's temporary directory).")
    Path parentDir;

    @Override
    public Integer call() throws Exception {
        if (records < 10) {
            throw new IllegalArgumentException("--records must be at least 10");
        }
        DevCommand.logWarningsOnlyUnlessSet();
        long startNanos = System.nanoTime();
        Path dir = parentDir == null
                ? Files.createTempDirectory("fjord-aot-training-")
                : Files.createTempDirectory(Files.createDirectories(parentDir), "fjord-aot-training-");
        AtomicReference<FjordNode> node = new AtomicReference<>();
        Runnable cleanUp = () -> stopAndDelete(node, dir);
        Thread onInterrupt = new Thread(cleanUp, "fjord-aot-training-cleanup"); // Ctrl-C skips finally blocks
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            node.set(startNode(dir));
            runWorkload("127.0.0.1:" + node.get().clientPort());
        } finally {
            cleanUp.run();
            Runtime.getRuntime().removeShutdownHook(onInterrupt);
        }
        System.out.printf("AOT training workload done in %.1f s%n", (System.nanoTime() - startNanos) / 1e9);
        return 0;
    }

    private static synchronized void stopAndDelete(AtomicReference<FjordNode> node, Path dir) {
        FjordNode running = node.getAndSet(null);
        if (running != null) {
            running.close();
        }
        try {
            StorageFiles.deleteRecursively(dir);
        } catch (IOException e) {
            System.err.println("could not delete the training data in " + dir + ": " + e.getMessage());
        }
    }

    private static FjordNode startNode(Path dir) throws InterruptedException {
        SecureRandom random = new SecureRandom();
        String directoryId = MetaProperties.randomId(random);
        Formatter.format(dir, MetaProperties.randomId(random), DevCommand.NODE_ID, directoryId);
        VoterSet.parse(DevCommand.NODE_ID + "@127.0.0.1:" + LocalQuorumCluster.freePort() + ":" + directoryId)
                .write(dir);
        // the node's own settings only: FJORD_* variables and -Dfjord.* meant for the user's nodes do not apply here
        Properties config = DevCommand.tunedDefaults();
        config.putAll(DevCommand.nodeOptions(dir, 0, 0)); // any free client and management ports
        FjordNode node = new FjordNode(ServerConfig.from(config));
        if (!node.awaitBrokerReady(READY_TIMEOUT_MS)) {
            node.close();
            throw new IllegalStateException("the training node did not become ready within "
                    + READY_TIMEOUT_MS / 1000 + " s");
        }
        return node;
    }

    /** The perf tools' runs of the README's performance section, smaller, plus the admin commands. */
    private void runWorkload(String bootstrap) {
        String small = String.valueOf(records);
        String half = String.valueOf(records / 2);
        String kib = String.valueOf(records / 5);
        List<String[]> steps = new ArrayList<>();
        steps.add(new String[] {"topics", "create", "aot-100", "--partitions", "1", "--replication-factor", "1"});
        steps.add(perfProduce("aot-100", small, "100", "1"));
        steps.add(perfProduce("aot-all", half, "100", "all"));
        steps.add(perfProduce("aot-1k", kib, "1024", "1"));
        steps.add(new String[] {"perf", "consume", "--topic", "aot-100", "--records", small});
        steps.add(new String[] {"perf", "consume", "--topic", "aot-1k", "--records", kib});
        steps.add(new String[] {"consume", "aot-100", "--from-beginning", "--max-messages", "10"});
        steps.add(new String[] {"topics", "describe", "aot-100"});
        steps.add(new String[] {"topics", "list"});
        steps.add(new String[] {"cluster", "describe"});
        for (String[] step : steps) {
            run(withBootstrap(step, bootstrap));
        }
    }

    private static String[] perfProduce(String topic, String count, String sizeBytes, String acks) {
        return new String[] {"perf", "produce", "--topic", topic, "--records", count, "--record-size", sizeBytes,
                "--acks", acks, "--batch-size", "65536", "--linger-ms", "5"};
    }

    private static String[] withBootstrap(String[] step, String bootstrap) {
        String[] args = Arrays.copyOf(step, step.length + 2);
        args[step.length] = "--bootstrap-server";
        args[step.length + 1] = bootstrap;
        return args;
    }

    private static void run(String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FjordMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        if (code != 0) {
            throw new IllegalStateException("training step `fjord " + String.join(" ", args) + "` failed (exit "
                    + code + "): " + err.toString().strip() + " " + out.toString().strip());
        }
    }
}
