package io.fjord.broker.cli;

import com.google.protobuf.ByteString;
import io.fjord.proto.internal.v1.AppendRecordRequest;
import io.fjord.proto.internal.v1.AppendRecordResponse;
import io.fjord.proto.internal.v1.DescribeQuorumResponse;
import io.fjord.proto.internal.v1.QuorumRecordsGrpc;
import io.fjord.storage.StorageFiles;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The quorum as deployed: three controller-only {@code fjord server} processes on loopback, appends over gRPC to the
 * leader (QuorumRecords API). Reports commit latency with one append in flight, throughput with many, and the time
 * from {@code kill -9} of the leader until another node leads, over several runs.
 */
final class QuorumProcessBenchmark {
    /** Kafka's default quorum timings. */
    static final Map<String, String> TIMINGS = Map.of("controller.quorum.election.timeout.ms", "1000",
            "controller.quorum.fetch.timeout.ms", "2000", "controller.quorum.request.timeout.ms", "500");

    private final Path dir;
    private final PrintStream out;

    QuorumProcessBenchmark(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    void run(int entries, int inFlight, int entryBytes, int kills) throws Exception {
        StorageFiles.deleteRecursively(dir);
        try (LocalQuorumCluster cluster = new LocalQuorumCluster(dir, 3, TIMINGS)) {
            cluster.ids().forEach(cluster::start);
            int leader = cluster.awaitLeader(-1, 60_000);
            out.printf("quorum benchmark: 3 controller processes on loopback, gRPC, fsync per append batch; %d entries"
                    + " of %d bytes; timings %s%n", entries, entryBytes, TIMINGS);
            appends(cluster, leader, Math.min(entries, 2_000), inFlight, entryBytes); // warm-up
            out.println("one append in flight (client -> leader -> commit on a majority -> client):");
            report(appends(cluster, leader, Math.min(entries, 2_000), 1, entryBytes), entries, entryBytes);
            out.println(inFlight + " appends in flight:");
            report(appends(cluster, leader, entries, inFlight, entryBytes), entries, entryBytes);
            measureKills(cluster, kills);
        } finally {
            StorageFiles.deleteRecursively(dir);
        }
    }

    private record Result(int entries, double seconds, Histogram latencyUs) {
    }

    private Result appends(LocalQuorumCluster cluster, int leader, int entries, int inFlight, int entryBytes)
            throws InterruptedException {
        QuorumRecordsGrpc.QuorumRecordsStub stub = QuorumRecordsGrpc.newStub(cluster.channel(leader));
        AppendRecordRequest request = AppendRecordRequest.newBuilder().setValue(ByteString.copyFrom(new byte[entryBytes]))
                .build();
        Histogram latencyUs = new ConcurrentHistogram(3_600_000_000L, 3);
        Semaphore window = new Semaphore(inFlight);
        AtomicReference<String> failure = new AtomicReference<>();
        long start = System.nanoTime();
        for (int i = 0; i < entries && failure.get() == null; i++) {
            window.acquire();
            long sentNs = System.nanoTime();
            stub.append(request, new StreamObserver<>() {
                @Override
                public void onNext(AppendRecordResponse r) {
                    if (r.getOutcome() != AppendRecordResponse.Outcome.NONE) {
                        failure.compareAndSet(null, r.getMessage());
                    }
                    latencyUs.recordValue(Math.max(1, (System.nanoTime() - sentNs) / 1000));
                }

                @Override
                public void onError(Throwable t) {
                    failure.compareAndSet(null, t.toString());
                    window.release();
                }

                @Override
                public void onCompleted() {
                    window.release();
                }
            });
        }
        window.acquire(inFlight);
        if (failure.get() != null) {
            throw new IllegalStateException("an append failed: " + failure.get());
        }
        return new Result(entries, (System.nanoTime() - start) / 1e9, latencyUs);
    }

    private void report(Result r, int entries, int entryBytes) {
        Histogram h = r.latencyUs();
        out.printf("  %.0f entries/s (%.1f MB/s); commit latency ms: avg %.2f, p50 %.2f, p99 %.2f, p99.9 %.2f,"
                        + " max %.2f%n", r.entries() / r.seconds(), r.entries() * (double) entryBytes / r.seconds() / 1e6,
                h.getMean() / 1000, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    private void measureKills(LocalQuorumCluster cluster, int rounds) throws Exception {
        long[] electionMs = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            int leader = cluster.awaitLeader(-1, 60_000);
            long killedAt = System.nanoTime();
            cluster.kill(leader);
            int next = cluster.awaitLeader(leader, 60_000);
            if (next < 0) {
                throw new IllegalStateException("no new leader within 60 s of killing node " + leader);
            }
            electionMs[round] = (System.nanoTime() - killedAt) / 1_000_000;
            out.printf("  run %d: killed leader %d, node %d leads after %d ms%n", round + 1, leader, next,
                    electionMs[round]);
            cluster.start(leader);
            awaitCaughtUp(cluster, leader, next);
        }
        long[] sorted = electionMs.clone();
        Arrays.sort(sorted);
        out.printf("new leader after kill -9 of the leader (%d runs): median %d ms, max %d ms%n", rounds,
                sorted[rounds / 2], sorted[rounds - 1]);
    }

    private static void awaitCaughtUp(LocalQuorumCluster cluster, int id, int leader) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            DescribeQuorumResponse mine = cluster.describe(id);
            DescribeQuorumResponse lead = cluster.describe(leader);
            if (mine != null && lead != null && mine.getState().equals("Follower")
                    && mine.getHighWatermark() >= lead.getHighWatermark()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("node " + id + " did not catch up within 60 s");
    }
}
