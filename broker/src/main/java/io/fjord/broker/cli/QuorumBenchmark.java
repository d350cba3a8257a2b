package io.fjord.broker.cli;

import io.fjord.quorum.driver.LoopbackTransport;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.log.FileQuorumStateStore;
import io.fjord.quorum.log.PartitionRaftLog;
import io.fjord.quorum.raft.RaftConfig;
import io.fjord.quorum.raft.RaftNode;
import io.fjord.storage.StorageFiles;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.time.Clock;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Three quorum voters in one process on real storage (every append fsynced) over the loopback transport:
 * commit latency and throughput with a bounded number of appends in flight, then the time to elect a new leader
 * after the leader stops without handing over (as after kill -9), repeated.
 */
final class QuorumBenchmark {
    private static final Set<Integer> VOTERS = Set.of(1, 2, 3);
    private static final RaftConfig CONFIG = new RaftConfig(300, 600, 200, 500, 1 << 20);
    private static final LogConfig METADATA_LOG = LogConfig.defaults().withOverrides(Map.of(
            "retention.ms", "-1", "retention.bytes", "-1"));

    private final Path dir;
    private final PrintStream out;
    private final LoopbackTransport transport = new LoopbackTransport();
    private final Map<Integer, QuorumDriver> drivers = new HashMap<>();
    private final Map<Integer, PartitionLog> logs = new HashMap<>();

    QuorumBenchmark(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    void run(int entries, int inFlight, int entryBytes, int failovers) throws Exception {
        StorageFiles.deleteRecursively(dir);
        try {
            VOTERS.forEach(this::start);
            QuorumDriver leader = awaitLeader(-1);
            out.printf("quorum benchmark: 3 voters in one process, real storage with fsync per append batch, "
                    + "%d entries of %d bytes, %d in flight%n", entries, entryBytes, inFlight);
            commits(leader, Math.min(entries, 2_000), inFlight, entryBytes); // warm-up, not reported
            out.println("one append in flight (commit round trip):");
            report(commits(leader, Math.min(entries, 2_000), 1, entryBytes));
            out.println(inFlight + " appends in flight (throughput; latency includes queueing):");
            report(commits(leader, entries, inFlight, entryBytes));
            measureFailovers(failovers);
        } finally {
            for (int id : VOTERS) {
                if (drivers.containsKey(id)) {
                    stop(id);
                }
            }
            StorageFiles.deleteRecursively(dir);
        }
    }

    private record Result(int entries, int entryBytes, double seconds, Histogram latencyUs) {
    }

    private Result commits(QuorumDriver leader, int entries, int inFlight, int entryBytes) throws Exception {
        Histogram latencyUs = new ConcurrentHistogram(3_600_000_000L, 3); // recorded from completion threads
        byte[] data = new byte[entryBytes];
        new Random(1).nextBytes(data);
        ArrayDeque<CompletableFuture<Long>> window = new ArrayDeque<>();
        long start = System.nanoTime();
        for (int i = 0; i < entries; i++) {
            if (window.size() >= inFlight) {
                window.poll().get(30, TimeUnit.SECONDS);
            }
            long sentNs = System.nanoTime();
            window.add(leader.append(data).whenComplete((offset, error) ->
                    latencyUs.recordValue(Math.max(1, (System.nanoTime() - sentNs) / 1000))));
        }
        for (CompletableFuture<Long> f : window) {
            f.get(30, TimeUnit.SECONDS);
        }
        return new Result(entries, entryBytes, (System.nanoTime() - start) / 1e9, latencyUs);
    }

    private void report(Result r) {
        Histogram h = r.latencyUs();
        out.printf("  %.0f entries/s (%.1f MB/s); commit latency ms: avg %.2f, p50 %.2f, p99 %.2f, p99.9 %.2f,"
                        + " max %.2f%n", r.entries() / r.seconds(), r.entries() * (double) r.entryBytes() / r.seconds() / 1e6,
                h.getMean() / 1000, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    private void measureFailovers(int rounds) throws Exception {
        long[] electionMs = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            QuorumDriver leader = awaitLeader(-1);
            int leaderId = leader.status().nodeId();
            int epoch = leader.status().epoch();
            long stoppedAt = System.nanoTime();
            stop(leaderId);
            QuorumDriver next = awaitLeader(epoch);
            electionMs[round] = (System.nanoTime() - stoppedAt) / 1_000_000;
            next.append(new byte[] {1}).get(30, TimeUnit.SECONDS);
            start(leaderId);
            awaitCaughtUp(leaderId, next.status().highWatermark());
        }
        long[] sorted = electionMs.clone();
        Arrays.sort(sorted);
        out.printf("new leader after the leader stopped without handing over (%d runs): median %d ms, max %d ms"
                + " (election timeout %d-%d ms, fetch timeout %d ms)%n", rounds, sorted[rounds / 2],
                sorted[rounds - 1], CONFIG.electionTimeoutMs(), 2 * CONFIG.electionTimeoutMs(), CONFIG.fetchTimeoutMs());
    }

    private QuorumDriver awaitLeader(int aboveEpoch) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (QuorumDriver d : drivers.values()) {
                if (d.status().state().equals("Leader") && d.status().epoch() > aboveEpoch) {
                    return d;
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no leader elected within 30 s");
    }

    private void awaitCaughtUp(int id, long highWatermark) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (drivers.get(id).status().highWatermark() < highWatermark) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + id + " did not catch up within 30 s");
            }
            Thread.sleep(1);
        }
    }

    private void start(int id) {
        Path nodeDir = dir.resolve("node-" + id);
        PartitionLog log = PartitionLog.open(nodeDir.resolve("__cluster_metadata-0"), METADATA_LOG, Clock.SYSTEM);
        logs.put(id, log);
        RaftNode node = new RaftNode(id, new UUID(0, id), voterSet(), new PartitionRaftLog(log), new FileQuorumStateStore(nodeDir),
                new Random(), CONFIG, Clock.MONOTONIC.nowMs());
        drivers.put(id, new QuorumDriver(node, transport, Clock.MONOTONIC));
    }

    private static Map<Integer, UUID> voterSet() {
        Map<Integer, UUID> voters = new TreeMap<>();
        VOTERS.forEach(v -> voters.put(v, new UUID(0, v)));
        return voters;
    }

    private void stop(int id) {
        drivers.remove(id).close();
        logs.remove(id).close();
    }
}
