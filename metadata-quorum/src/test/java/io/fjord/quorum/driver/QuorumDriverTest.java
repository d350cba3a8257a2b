package io.fjord.quorum.driver;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.NotLeaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three quorum nodes in one JVM on real storage (fsync included) and real threads, over the loopback transport:
 * election, commit, redirect, leader loss and fail-over, restart and catch-up.
 */
class QuorumDriverTest {
    private static final Set<Integer> VOTERS = TestQuorum.VOTERS;

    @TempDir
    Path tmp;
    private final LoopbackTransport transport = new LoopbackTransport();
    private TestQuorum quorum;
    private Map<Integer, QuorumDriver> drivers;

    @BeforeEach
    void setUp() {
        quorum = new TestQuorum(tmp);
        drivers = quorum.drivers();
    }

    private void start(int id) {
        quorum.start(id, transport);
    }

    private void stop(int id) {
        quorum.stop(id);
    }

    @AfterEach
    void stopAll() {
        quorum.close();
    }

    private QuorumDriver awaitLeader(int aboveEpoch) {
        return quorum.awaitLeader(aboveEpoch);
    }

    private QuorumDriver leader() {
        return quorum.leader();
    }

    /** Data entries, without control entries and without the redirect probes (which may commit if leadership moved). */
    private static List<String> values(List<LogEntry> entries) {
        return entries.stream().filter(e -> !e.control()).map(e -> new String(e.data()))
                .filter(v -> !v.equals("probe")).toList();
    }

    @Test
    void electsCommitsFailsOverAndCatchesUp() throws Exception {
        VOTERS.forEach(this::start);
        QuorumDriver leader = awaitLeader(0);
        List<CompletableFuture<Long>> appended = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            appended.add(leader.append(("v" + i).getBytes()));
        }
        int epoch = leader.status().epoch();
        ExecutionException stale = assertThrows(ExecutionException.class,
                () -> leader.append("decided earlier".getBytes(), epoch - 1).get(10, TimeUnit.SECONDS));
        assertInstanceOf(NotLeaderException.class, stale.getCause(), "a decision of an older epoch is not written");
        appended.add(leader.append("v200".getBytes(), epoch));
        long previous = -1;
        for (CompletableFuture<Long> f : appended) {
            long offset = f.get(20, TimeUnit.SECONDS);
            assertTrue(offset > previous, "offsets increase in append order");
            previous = offset;
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            QuorumDriver.Status view = leader().status();
            assertEquals(VOTERS, view.replicaLag().keySet(), "the leader reports every voter's lag");
            assertTrue(view.replicaLag().values().stream().allMatch(lag -> lag == 0), view.replicaLag().toString());
        });
        assertTrue(drivers.values().stream().filter(d -> d != leader()).allMatch(d -> d.status().replicaLag().isEmpty()),
                "only the leader knows the lags");

        int followerId = drivers.entrySet().stream().filter(e -> e.getValue() != leader).findFirst().orElseThrow()
                .getKey();
        // a re-election in between may change the answer: retried until the views agree
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            QuorumDriver follower = drivers.get(followerId);
            assertEquals("Follower", follower.status().state());
            ExecutionException redirected = assertThrows(ExecutionException.class,
                    () -> follower.append("probe".getBytes()).get(10, TimeUnit.SECONDS));
            NotLeaderException notLeader = assertInstanceOf(NotLeaderException.class, redirected.getCause());
            assertEquals(follower.status().leaderId(), notLeader.leaderId(), "the refusal names the leader");
            assertEquals(leader().status().nodeId(), notLeader.leaderId());
        });
        QuorumDriver leaderNow = leader();

        int oldLeaderId = leaderNow.status().nodeId();
        int oldEpoch = leaderNow.status().epoch();
        stop(oldLeaderId);
        QuorumDriver newLeader = awaitLeader(oldEpoch);
        long afterFailover = newLeader.append("after-failover".getBytes()).get(20, TimeUnit.SECONDS);
        assertTrue(afterFailover > previous, "committed entries survived the leader's loss");

        start(oldLeaderId);
        await().atMost(Duration.ofSeconds(30)).until(() -> drivers.get(oldLeaderId).status().highWatermark()
                > afterFailover);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= 200; i++) {
            expected.add("v" + i);
        }
        expected.add("after-failover");
        for (QuorumDriver driver : drivers.values()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> driver.status().highWatermark() > afterFailover);
            assertEquals(expected, values(driver.readCommitted(0, 1000).get(10, TimeUnit.SECONDS)),
                    "node " + driver.status().nodeId() + " has every committed entry, in order, once");
        }
    }

    @Test
    void badRequestsFailAloneAndAClosedDriverRefusesAtOnce() throws Exception {
        start(1);
        QuorumDriver driver = drivers.get(1);
        ExecutionException bad = assertThrows(ExecutionException.class,
                () -> driver.readCommitted(-1, 5).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, bad.getCause());
        assertEquals(List.of(), driver.readCommitted(0, 5).get(10, TimeUnit.SECONDS), "the driver still serves");
        stop(1);
        assertEquals("Closed", driver.status().state());
        ExecutionException closed = assertThrows(ExecutionException.class,
                () -> driver.append("late".getBytes()).get(1, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, closed.getCause());
    }

    @Test
    void aNodeFarBehindCatchesUpThroughTheLeadersSnapshot() throws Exception {
        VOTERS.forEach(this::start);
        QuorumDriver leader = awaitLeader(0);
        int laggard = VOTERS.stream().filter(id -> drivers.get(id) != leader).findFirst().orElseThrow();
        stop(laggard);
        for (int round = 0; round < 2; round++) {
            long last = -1;
            for (int i = 0; i < 30; i++) {
                last = leader.append(("r" + round + "-" + i).getBytes()).get(20, TimeUnit.SECONDS);
            }
            long end = last + 1;
            await().atMost(Duration.ofSeconds(30)).until(() -> leader.status().highWatermark() >= end);
            leader.createSnapshot(end, ("image up to " + end).getBytes()).get(10, TimeUnit.SECONDS);
        }
        QuorumDriver.Snapshot snapshot = leader.latestSnapshot().get(10, TimeUnit.SECONDS);
        assertTrue(quorum.log(leader.status().nodeId()).logStartOffset() > 0, "the leader's log no longer starts at 0");

        start(laggard);
        QuorumDriver restarted = drivers.get(laggard);
        await().atMost(Duration.ofSeconds(30)).until(() -> restarted.status().highWatermark()
                >= snapshot.id().offset());
        QuorumDriver.Snapshot installed = restarted.latestSnapshot().get(10, TimeUnit.SECONDS);
        assertEquals(snapshot.id(), installed.id());
        assertEquals(new String(snapshot.data()), new String(installed.data()));
        assertEquals(snapshot.id().offset(), quorum.log(laggard).logStartOffset(), "its log starts after the snapshot");
        ExecutionException below = assertThrows(ExecutionException.class,
                () -> restarted.readCommitted(0, 10).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, below.getCause(), "entries below the start are gone");
        long next = leader.append("after the snapshot".getBytes()).get(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> restarted.status().highWatermark() > next);
        assertEquals(List.of("after the snapshot"),
                values(restarted.readCommitted(snapshot.id().offset(), 100).get(10, TimeUnit.SECONDS)));
    }
}
