package io.fjord.broker.cli;

import io.fjord.proto.internal.v1.DescribeQuorumRequest;
import io.fjord.proto.internal.v1.DescribeQuorumResponse;
import io.fjord.proto.internal.v1.QuorumGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Controller-only {@code fjord server} processes on loopback, for fault tests and real-process measurements: formats
 * a quorum of {@code size} voters under {@code dir}, starts each as a separate JVM running this classpath, and stops
 * them with SIGTERM or SIGKILL. Every process it started is killed by {@link #close}.
 */
final class LocalQuorumCluster implements AutoCloseable {
    private final Path dir;
    private final Map<Integer, Integer> ports = new TreeMap<>();
    private final Map<Integer, Integer> brokerPorts = new TreeMap<>();
    private final Map<Integer, Process> processes = new TreeMap<>();
    private final Map<Integer, ManagedChannel> channels = new TreeMap<>();
    private final Map<String, String> extraConfig;

    LocalQuorumCluster(Path dir, int size, Map<String, String> extraConfig) {
        this(dir, size, 0, extraConfig);
    }

    /** With {@code brokers} broker-only nodes too, ids 101, 102, ... ({@link #brokerIds}). */
    LocalQuorumCluster(Path dir, int size, int brokers, Map<String, String> extraConfig) {
        this.dir = dir;
        this.extraConfig = extraConfig;
        for (int id = 1; id <= size; id++) {
            ports.put(id, freePort());
        }
        for (int id = 101; id < 101 + brokers; id++) {
            brokerPorts.put(id, freePort());
        }
        String clusterId = randomId();
        List<String> voters = new ArrayList<>();
        ports.forEach((id, port) -> voters.add(id + "@127.0.0.1:" + port + ":" + randomId()));
        List<Integer> all = new ArrayList<>(ports.keySet());
        all.addAll(brokerPorts.keySet());
        for (int id : all) {
            int exit = FjordMain.commandLine().execute("format", "--cluster-id", clusterId, "--node-id",
                    String.valueOf(id), "--log-dir", nodeDir(id).toString(), "--initial-controllers",
                    String.join(",", voters));
            if (exit != 0) {
                throw new IllegalStateException("fjord format failed for node " + id);
            }
        }
    }

    private static String randomId() {
        return io.fjord.storage.manager.MetaProperties.randomId(new java.security.SecureRandom());
    }

    Path nodeDir(int id) {
        return dir.resolve("node-" + id);
    }

    Path outputFile(int id) {
        return dir.resolve("node-" + id + ".out");
    }

    /** The controllers' ids. */
    /** The last {@code lines} lines node {@code id} printed, for failure messages. */
    String tail(int id, int lines) {
        try {
            List<String> all = Files.readAllLines(outputFile(id));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    List<Integer> ids() {
        return new ArrayList<>(ports.keySet());
    }

    List<Integer> brokerIds() {
        return new ArrayList<>(brokerPorts.keySet());
    }

    ManagedChannel channel(int id) {
        return channels.computeIfAbsent(id, i -> NettyChannelBuilder.forAddress("127.0.0.1", ports.get(i))
                .usePlaintext().build());
    }

    void start(int id) {
        Path config = dir.resolve("node-" + id + ".properties");
        boolean broker = brokerPorts.containsKey(id);
        StringBuilder text = new StringBuilder("node.id=" + id + "\nlog.dirs=" + nodeDir(id) + "\nmanagement.port=0\n"
                + (broker
                ? "process.roles=broker\nlisteners=CLIENT://127.0.0.1:" + brokerPorts.get(id) + "\n"
                : "process.roles=controller\nquorum.records.api.enable=true\n"));
        extraConfig.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            Files.writeString(config, text);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    FjordMain.class.getName(), "server", "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile(id).toFile()))
                    .start();
            processes.put(id, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id, e);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed beyond what the node already fsynced. */
    void kill(int id) throws InterruptedException {
        Process process = processes.remove(id);
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM: the node resigns if it leads and closes cleanly. */
    void stop(int id) throws InterruptedException {
        Process process = processes.remove(id);
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    boolean isRunning(int id) {
        Process process = processes.get(id);
        return process != null && process.isAlive();
    }

    /** Node {@code id}'s own view, or null if it does not answer. */
    DescribeQuorumResponse describe(int id) {
        try {
            return QuorumGrpc.newBlockingStub(channel(id)).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .describeQuorum(DescribeQuorumRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            return null;
        }
    }

    /** The running node that says it leads in the highest epoch, or -1. */
    int leader() {
        int leader = -1;
        int epoch = -1;
        for (int id : processes.keySet()) {
            if (!ports.containsKey(id)) {
                continue; // a broker: not a voter
            }
            DescribeQuorumResponse view = describe(id);
            if (view != null && view.getState().equals("Leader") && view.getEpoch() > epoch) {
                leader = id;
                epoch = view.getEpoch();
            }
        }
        return leader;
    }

    /** Waits up to {@code timeoutMs} for a leader other than {@code notId}; returns it, or -1. */
    int awaitLeader(int notId, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            int leader = leader();
            if (leader > 0 && leader != notId) {
                return leader;
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        for (int id : new ArrayList<>(processes.keySet())) {
            kill(id);
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
