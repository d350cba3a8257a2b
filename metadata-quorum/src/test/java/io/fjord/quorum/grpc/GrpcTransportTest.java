package io.fjord.quorum.grpc;

import io.fjord.proto.internal.v1.DescribeQuorumRequest;
import io.fjord.proto.internal.v1.DescribeQuorumResponse;
import io.fjord.proto.internal.v1.QuorumGrpc;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.Message;
import io.fjord.quorum.raft.Message.Envelope;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.sim.TestVoters;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.fjord.quorum.driver.TestQuorum;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three quorum nodes in one JVM, each with its own {@link GrpcTransport} and Netty server on a loopback port, on
 * real storage: election, commit, the management view over a real gRPC client, leader loss and fail-over, restart
 * on the same port and catch-up; and an observer with no server of its own, answered over the links it opens.
 */
class GrpcTransportTest {
    private static final Set<Integer> VOTERS = TestQuorum.VOTERS;

    @TempDir
    Path tmp;
    private final Map<Integer, InetSocketAddress> addresses = new HashMap<>();
    private final Map<Integer, Server> servers = new HashMap<>();
    private final Map<Integer, GrpcTransport> transports = new HashMap<>();
    private TestQuorum quorum;
    private Map<Integer, QuorumDriver> drivers;

    @BeforeEach
    void setUp() {
        quorum = new TestQuorum(tmp);
        drivers = quorum.drivers();
    }

    /** Binds every node's server on a free port first (the transports need all addresses), then starts the nodes. */
    private void startAll() {
        Map<Integer, TestServers.LateService> services = new HashMap<>();
        for (int id : VOTERS) {
            TestServers.LateService service = new TestServers.LateService();
            Server server = TestServers.start(0, builder -> builder.fallbackHandlerRegistry(service));
            servers.put(id, server);
            services.put(id, service);
            addresses.put(id, new InetSocketAddress("127.0.0.1", server.getPort()));
        }
        for (int id : VOTERS) {
            GrpcTransport transport = new GrpcTransport(id, addresses);
            services.get(id).bind(transport.service());
            startNode(id, transport);
        }
    }

    /** Restarts a stopped node: a new server on its old port. */
    private void restart(int id) {
        GrpcTransport transport = new GrpcTransport(id, addresses);
        servers.put(id, TestServers.start(addresses.get(id).getPort(), b -> b.addService(transport.service())));
        startNode(id, transport);
    }

    /**
     * Starts an observer: a node outside the voter set, which knows the voters' addresses but listens on nothing,
     * as a broker behind NAT would.
     */
    private void startObserver(int id) {
        startNode(id, new GrpcTransport(id, addresses));
    }

    private void startNode(int id, GrpcTransport transport) {
        transport.statusSource(quorum.start(id, transport)::status);
        transports.put(id, transport);
    }

    /** Stops a node as a crash of its process would: driver and log, server, transport. */
    private void stop(int id) {
        quorum.stop(id);
        TestServers.stop(servers.remove(id));
        GrpcTransport transport = transports.remove(id);
        if (transport != null) {
            transport.close();
        }
    }

    @AfterEach
    void stopAll() {
        Set<Integer> ids = new java.util.TreeSet<>(VOTERS);
        ids.addAll(drivers.keySet()); // observers too
        for (int id : ids) {
            stop(id);
        }
    }

    private QuorumDriver awaitLeader(int aboveEpoch) {
        return quorum.awaitLeader(aboveEpoch);
    }

    private QuorumDriver leader() {
        return quorum.leader();
    }

    private static List<String> values(List<LogEntry> entries) {
        return entries.stream().filter(e -> !e.control()).map(e -> new String(e.data())).toList();
    }

    private long appendAll(QuorumDriver leader, List<String> values) throws Exception {
        List<CompletableFuture<Long>> appended = new ArrayList<>();
        values.forEach(v -> appended.add(leader.append(v.getBytes())));
        long last = -1;
        for (CompletableFuture<Long> f : appended) {
            last = f.get(20, TimeUnit.SECONDS);
        }
        return last;
    }

    private DescribeQuorumResponse describe(int id) {
        ManagedChannel channel = QuorumChannels.channel(addresses.get(id));
        try {
            return QuorumGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .describeQuorum(DescribeQuorumRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void electsCommitsFailsOverAndCatchesUpOverGrpc() throws Exception {
        startAll();
        QuorumDriver leader = awaitLeader(0);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("v" + i);
        }
        long lastOffset = appendAll(leader, expected);
        for (QuorumDriver driver : drivers.values()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> driver.status().highWatermark() > lastOffset);
        }

        int leaderId = leader.status().nodeId();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            DescribeQuorumResponse view = describe(leaderId);
            assertEquals(leaderId, view.getNodeId());
            assertEquals("Leader", view.getState());
            assertEquals(leaderId, view.getLeaderId());
            assertTrue(view.getHighWatermark() > lastOffset, "high watermark " + view.getHighWatermark());
            assertEquals(view.getLogEndOffset(), view.getHighWatermark(), "everything appended is committed");
            assertEquals(Set.of(1, 2, 3), view.getReplicaLagMap().keySet(), "every voter's lag");
            assertTrue(view.getReplicaLagMap().values().stream().allMatch(lag -> lag == 0),
                    view.getReplicaLagMap().toString());
        });

        int oldEpoch = leader.status().epoch();
        stop(leaderId);
        QuorumDriver newLeader = awaitLeader(oldEpoch);
        long afterFailover = newLeader.append("after-failover".getBytes()).get(20, TimeUnit.SECONDS);
        assertTrue(afterFailover > lastOffset, "committed entries survived the leader's loss");
        expected.add("after-failover");

        restart(leaderId);
        for (QuorumDriver driver : drivers.values()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> driver.status().highWatermark() > afterFailover);
            assertEquals(expected, values(driver.readCommitted(0, 1000).get(10, TimeUnit.SECONDS)),
                    "node " + driver.status().nodeId() + " has every committed entry, in order, once");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            QuorumDriver current = leader(); // leadership may have moved again meanwhile
            assertNotNull(current, "a leader");
            assertEquals(0L, describe(current.status().nodeId()).getReplicaLagMap().get(leaderId),
                    "the restarted node caught up");
        });
        transports.values().forEach(t -> assertEquals(0, t.malformedStreams()));
    }

    @Test
    void anObserverWithoutAServerFollowsTheLeaderAndItsSuccessor() throws Exception {
        int observerId = 4;
        startAll();
        QuorumDriver leader = awaitLeader(0);
        startObserver(observerId);
        QuorumDriver observer = drivers.get(observerId);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("v" + i);
        }
        long lastOffset = appendAll(leader, expected);
        int leaderId = leader.status().nodeId();
        await().atMost(Duration.ofSeconds(30)).until(() -> observer.status().highWatermark() > lastOffset);
        assertEquals(leaderId, observer.status().leaderId(), "the observer found the leader");
        assertEquals(expected, values(observer.readCommitted(0, 1000).get(10, TimeUnit.SECONDS)));
        assertTrue(transports.get(leaderId).returnRoutes().contains(observerId), "the leader answers it on a route");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(0L,
                describe(leaderId).getReplicaLagMap().get(observerId), "the leader counts the observer's lag"));

        long droppedBefore = transports.get(leaderId).droppedMessages();
        transports.get(leaderId).send(new Envelope(leaderId, 99, new Message.BeginQuorumEpoch(1, leaderId)));
        assertEquals(droppedBefore + 1, transports.get(leaderId).droppedMessages(),
                "a message to a node that is neither a peer nor connected is dropped, without an exception");

        int oldEpoch = leader.status().epoch();
        stop(leaderId);
        QuorumDriver newLeader = awaitLeader(oldEpoch);
        long afterFailover = newLeader.append("after-failover".getBytes()).get(20, TimeUnit.SECONDS);
        expected.add("after-failover");
        await().atMost(Duration.ofSeconds(30)).until(() -> observer.status().highWatermark() > afterFailover);
        await().atMost(Duration.ofSeconds(30)).until(() -> { // leadership may have moved again meanwhile
            QuorumDriver current = leader();
            return current != null && observer.status().leaderId() == current.status().nodeId();
        });
        assertEquals(expected, values(observer.readCommitted(0, 1000).get(10, TimeUnit.SECONDS)),
                "the observer has every committed entry, in order, once");
        assertEquals(0L, transports.get(observerId).malformedStreams());
    }

    @Test
    void sendingToAPortWithNothingListeningNeitherBlocksNorThrows() throws Exception {
        int port = TestServers.unusedPort();
        try (GrpcTransport transport = new GrpcTransport(1, Map.of(2, new InetSocketAddress("127.0.0.1", port)))) {
            Envelope vote = new Envelope(1, 2, new Message.VoteRequest(3, 1, TestVoters.directoryOf(1),
                    TestVoters.directoryOf(2), new OffsetAndEpoch(10, 2), false));
            long slowestNs = 0;
            long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500); // several reconnect attempts
            int sent = 0;
            while (System.nanoTime() - untilNs < 0) {
                long startNs = System.nanoTime();
                transport.send(vote);
                slowestNs = Math.max(slowestNs, System.nanoTime() - startNs);
                sent++;
                if (sent % 100 == 0) {
                    Thread.sleep(1);
                }
            }
            assertTrue(slowestNs < TimeUnit.MILLISECONDS.toNanos(500), "slowest send took " + slowestNs + " ns");
            long dropped = transport.droppedMessages();
            assertTrue(dropped > 0 && dropped <= sent, dropped + " of " + sent + " dropped");
            transport.send(new Envelope(1, 9, vote.body())); // no such peer
            assertEquals(dropped + 1, transport.droppedMessages());
        }
    }
}
