package io.fjord.broker.cli;

import io.fjord.proto.internal.v1.CommittedRecord;
import io.fjord.proto.internal.v1.DescribeQuorumResponse;
import io.fjord.proto.internal.v1.ReadCommittedResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three controller-only {@code fjord server} processes on loopback: records are appended while the leader is killed
 * with SIGKILL; a new leader is elected, every acknowledged record is still at its offset on every node, and the
 * killed node, restarted far behind, catches up through the leader's snapshot.
 */
class ControllerProcessTest {
    private static final Map<String, String> FAST = Map.of(
            "controller.quorum.election.timeout.ms", "500",
            "controller.quorum.fetch.timeout.ms", "1000",
            "controller.quorum.request.timeout.ms", "300",
            "metadata.log.max.record.bytes.between.snapshots", "8000");

    @TempDir
    Path tmp;

    @Test
    void killingTheLeaderLosesNoCommittedRecordAndTheKilledNodeCatchesUpThroughASnapshot() throws Exception {
        try (LocalQuorumCluster cluster = new LocalQuorumCluster(tmp, 3, FAST)) {
            cluster.ids().forEach(cluster::start);
            int leader = cluster.awaitLeader(-1, 60_000);
            assertTrue(leader > 0, "a leader is elected");
            QuorumRecordsClient client = new QuorumRecordsClient(cluster);
            Map<Long, String> acknowledged = new TreeMap<>();
            appendUntilAcknowledged(client, acknowledged, 0, 50);

            cluster.kill(leader);
            int newLeader = cluster.awaitLeader(leader, 30_000);
            assertTrue(newLeader > 0 && newLeader != leader, "a new leader is elected after the kill");
            // enough records for several snapshots: the survivors' logs move past where the killed node stopped
            appendUntilAcknowledged(client, acknowledged, 50, 200);

            cluster.start(leader);
            long target = acknowledged.keySet().stream().mapToLong(Long::longValue).max().orElseThrow() + 1;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                DescribeQuorumResponse view = cluster.describe(leader);
                return view != null && view.getHighWatermark() >= target;
            });
            String output = Files.readString(cluster.outputFile(leader));
            assertTrue(output.contains("installed snapshot"), "the restarted node caught up through a snapshot");

            List<CommittedRecord> reference = null;
            for (int id : cluster.ids()) {
                List<CommittedRecord> records = readAll(client, id, target);
                for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
                    CommittedRecord found = records.stream().filter(r -> r.getOffset() == ack.getKey()).findFirst()
                            .orElseThrow(() -> new AssertionError("node " + id + " lacks acknowledged offset "
                                    + ack.getKey()));
                    assertEquals(ack.getValue(), found.getValue().toString(StandardCharsets.UTF_8),
                            "node " + id + " holds the acknowledged record at offset " + ack.getKey());
                }
                if (reference == null) {
                    reference = records;
                } else {
                    assertEquals(reference, records, "node " + id + " holds exactly the same committed records");
                }
            }
        }
    }

    /** Appends records {@code from} to {@code to - 1}, retrying each until acknowledged; records offset -> value. */
    private static void appendUntilAcknowledged(QuorumRecordsClient client, Map<Long, String> acknowledged, int from,
                                                int to) throws InterruptedException {
        for (int i = from; i < to; i++) {
            String value = "record-" + i + "-" + "x".repeat(100);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long offset = -1;
            while (offset < 0) {
                assertTrue(System.nanoTime() < deadline, "record " + i + " was not acknowledged within 60 s");
                offset = client.appendOnce(value.getBytes(StandardCharsets.UTF_8), 5_000);
                if (offset < 0) {
                    Thread.sleep(20);
                }
            }
            String previous = acknowledged.put(offset, value);
            assertTrue(previous == null, "offset " + offset + " acknowledged twice: " + previous + " and " + value);
        }
    }

    private static List<CommittedRecord> readAll(QuorumRecordsClient client, int nodeId, long untilOffset) {
        List<CommittedRecord> out = new ArrayList<>();
        long next = 0;
        while (next < untilOffset) {
            ReadCommittedResponse page = client.read(nodeId, next, 1000);
            if (page.getRecordsCount() == 0) {
                break;
            }
            out.addAll(page.getRecordsList());
            next = page.getRecords(page.getRecordsCount() - 1).getOffset() + 1;
        }
        return out;
    }
}
