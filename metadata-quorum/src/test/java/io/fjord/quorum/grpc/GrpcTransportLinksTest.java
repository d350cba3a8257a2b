package io.fjord.quorum.grpc;

import io.fjord.proto.internal.v1.DescribeQuorumRequest;
import io.fjord.proto.internal.v1.QuorumEnvelope;
import io.fjord.proto.internal.v1.QuorumGrpc;
import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.Message;
import io.fjord.quorum.raft.Message.Envelope;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One link between two transports (node 1 sends, node 2 receives) under the failures a link meets: a peer that comes
 * up late, a peer that stops reading, and a sender that speaks garbage; and the return routes by which node 2
 * answers a node that is not its peer (7, an observer) on the stream that node opened: created, replaced, removed,
 * flow-controlled, and a peer that answers garbage on them.
 */
class GrpcTransportLinksTest {
    private static final Envelope BEGIN = new Envelope(1, 2, new Message.BeginQuorumEpoch(4, 1));

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final LinkedBlockingQueue<Envelope> inbox2 = new LinkedBlockingQueue<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private GrpcTransport receiver(int port) {
        GrpcTransport transport = new GrpcTransport(2, Map.of());
        Server server = TestServers.start(port, b -> b.addService(transport.service()));
        toClose.add(() -> TestServers.stop(server));
        toClose.add(transport);
        return transport;
    }

    private GrpcTransport sender(int port) {
        GrpcTransport transport = new GrpcTransport(1, Map.of(2, new InetSocketAddress("127.0.0.1", port)));
        toClose.add(transport);
        return transport;
    }

    private ManagedChannel client(int port) {
        ManagedChannel channel = QuorumChannels.channel(new InetSocketAddress("127.0.0.1", port));
        toClose.add(channel::shutdownNow);
        return channel;
    }

    @Test
    void aPeerThatStartsLateIsReachedWithinASecondOrSo() throws Exception {
        int port = TestServers.unusedPort();
        GrpcTransport sender = sender(port);
        long downUntilNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(4); // gRPC's own backoff would be ~4 s now
        while (System.nanoTime() - downUntilNs < 0) {
            sender.send(BEGIN);
            Thread.sleep(20);
        }
        receiver(port).register(2, inbox2::add);
        long upNs = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            sender.send(BEGIN);
            return !inbox2.isEmpty();
        });
        long reachedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - upNs);
        assertTrue(reachedMs < 3000, "reached after " + reachedMs + " ms");
        assertEquals(BEGIN, inbox2.take());
    }

    @Test
    void aPeerThatStopsReadingCostsDropsNotMemory() throws Exception {
        int port = TestServers.unusedPort();
        CountDownLatch stalled = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        LinkedBlockingQueue<Envelope> received = new LinkedBlockingQueue<>();
        receiver(port).register(2, envelope -> {
            entered.incrementAndGet();
            awaitQuietly(stalled); // a peer that stops reading
            received.add(envelope);
        });
        toClose.add(stalled::countDown); // runs before the receiver stops
        GrpcTransport sender = sender(port);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            sender.send(BEGIN); // until the stream is up and its first message holds the peer
            return entered.get() > 0;
        });

        byte[] entry = new byte[64 << 10];
        Envelope big = new Envelope(1, 2, new Message.FetchResponse(4, 1, Message.Error.NONE,
                List.of(new LogEntry(0, 4, false, entry)), 1, null, null, 1));
        long droppedBefore = sender.droppedMessages();
        long startNs = System.nanoTime();
        for (int i = 0; i < 1000; i++) { // 64 MiB offered
            sender.send(big);
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        long dropped = sender.droppedMessages() - droppedBefore;
        // what gets through is bounded by HTTP/2 flow control (at most gRPC's 8 MiB window) plus gRPC's 32 KiB
        assertTrue(dropped >= 1000 - 8 * 16 - 2, "only " + dropped + " of 1000 dropped: the rest is buffered");
        assertTrue(tookMs < 5000, "1000 sends took " + tookMs + " ms");

        stalled.countDown();
        Envelope last = new Envelope(1, 2, new Message.BeginQuorumEpoch(5, 1));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            sender.send(last); // the link works again once the peer reads
            return received.contains(last);
        });
        long bigReceived = received.stream().filter(e -> e.body() instanceof Message.FetchResponse).count();
        assertEquals(1000 - dropped, bigReceived, "every message not dropped arrives");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aMalformedEnvelopeClosesOnlyItsStream() throws Exception {
        int port = TestServers.unusedPort();
        GrpcTransport receiver = receiver(port);
        receiver.register(2, inbox2::add);
        QuorumGrpc.QuorumStub stub = QuorumGrpc.newStub(client(port));

        RawStream bad = new RawStream(stub, false);
        bad.requests.onNext(QuorumEnvelope.newBuilder().setFrom(1).setTo(2).build()); // no body
        Status status = bad.ended.get(10, TimeUnit.SECONDS);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertTrue(status.getDescription().contains("no message body"), status.getDescription());
        assertEquals(1, receiver.malformedStreams());

        RawStream good = new RawStream(stub, false);
        good.requests.onNext(QuorumMessages.toProto(new Envelope(1, 9, BEGIN.body()))); // nobody 9 here: dropped
        good.requests.onNext(QuorumMessages.toProto(BEGIN));
        good.requests.onCompleted();
        assertEquals(Status.Code.OK, good.ended.get(10, TimeUnit.SECONDS).getCode(), "a half-close completes it");
        assertEquals(BEGIN, inbox2.poll(10, TimeUnit.SECONDS));
        assertTrue(inbox2.isEmpty(), "the envelope for node 9 was dropped");
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.returnRoutes().isEmpty()); // none outlives its stream
    }

    @Test
    void describeQuorumIsUnavailableUntilTheDriverIsThere() {
        int port = TestServers.unusedPort();
        receiver(port);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> QuorumGrpc.newBlockingStub(
                client(port)).describeQuorum(DescribeQuorumRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    }

    /** A Deliver stream opened by hand, as a node that is not node 2's peer would; it records what comes back. */
    private static final class RawStream implements ClientResponseObserver<QuorumEnvelope, QuorumEnvelope> {
        final LinkedBlockingQueue<QuorumEnvelope> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> ended = new CompletableFuture<>();
        private final boolean manualFlowControl;
        ClientCallStreamObserver<QuorumEnvelope> requests;

        /** @param manualFlowControl read nothing until {@link #readAll} (a node that stops reading) */
        RawStream(QuorumGrpc.QuorumStub stub, boolean manualFlowControl) {
            this.manualFlowControl = manualFlowControl;
            stub.deliver(this);
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<QuorumEnvelope> requestStream) {
            requests = requestStream;
            if (manualFlowControl) {
                requestStream.disableAutoRequestWithInitial(0);
            }
        }

        void readAll() {
            requests.request(Integer.MAX_VALUE);
        }

        /** Sends {@code envelope}'s wire form from the test thread (the only writer). */
        void send(Envelope envelope) {
            requests.onNext(QuorumMessages.toProto(envelope));
        }

        Envelope take() throws InterruptedException {
            QuorumEnvelope wire = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(wire, "nothing came back in 10 s");
            return QuorumMessages.fromProto(wire);
        }

        @Override
        public void onNext(QuorumEnvelope envelope) {
            received.add(envelope);
        }

        @Override
        public void onError(Throwable t) {
            ended.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ended.complete(Status.OK);
        }
    }

    private static final Envelope FETCH_FROM_7 = new Envelope(7, 2, new Message.FetchRequest(4, 7, null, 0, 0, 1, 0));
    private static final Envelope ANSWER_TO_7 = new Envelope(2, 7, new Message.FetchResponse(4, 2, Message.Error.NONE,
            List.of(), 0, null, null, 1));

    @Test
    void aNodeThatIsNotAPeerIsAnsweredOnTheLinkItOpenedAndNeedsNoServer() throws Exception {
        int port = TestServers.unusedPort();
        GrpcTransport voter = receiver(port);
        voter.register(2, inbox2::add);
        GrpcTransport observer = new GrpcTransport(7, Map.of(2, new InetSocketAddress("127.0.0.1", port)));
        toClose.add(observer);
        LinkedBlockingQueue<Envelope> inbox7 = new LinkedBlockingQueue<>();
        observer.register(7, inbox7::add);

        long droppedBefore = voter.droppedMessages();
        voter.send(ANSWER_TO_7); // no route yet
        assertEquals(droppedBefore + 1, voter.droppedMessages());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            observer.send(FETCH_FROM_7);
            return !inbox2.isEmpty();
        });
        assertEquals(FETCH_FROM_7, inbox2.take());
        assertEquals(Set.of(7), voter.returnRoutes());
        voter.send(ANSWER_TO_7);
        assertEquals(ANSWER_TO_7, inbox7.poll(10, TimeUnit.SECONDS), "the answer came back on the observer's link");

        long dropped = voter.droppedMessages();
        voter.send(new Envelope(2, 8, ANSWER_TO_7.body())); // neither a peer nor a route: dropped, no exception
        assertEquals(dropped + 1, voter.droppedMessages());

        observer.close(); // its stream ends: so does the route
        await().atMost(Duration.ofSeconds(10)).until(() -> voter.returnRoutes().isEmpty());
        voter.send(ANSWER_TO_7);
        assertEquals(dropped + 2, voter.droppedMessages());
        assertEquals(0, voter.malformedStreams() + observer.malformedStreams());
    }

    @Test
    void theNewestStreamFromANodeIsItsRouteUntilThatStreamEnds() throws Exception {
        int port = TestServers.unusedPort();
        GrpcTransport voter = receiver(port);
        voter.register(2, inbox2::add);
        QuorumGrpc.QuorumStub stub = QuorumGrpc.newStub(client(port));

        RawStream first = new RawStream(stub, false);
        first.send(FETCH_FROM_7);
        assertEquals(FETCH_FROM_7, inbox2.poll(10, TimeUnit.SECONDS));
        voter.send(ANSWER_TO_7);
        assertEquals(ANSWER_TO_7, first.take());

        RawStream second = new RawStream(stub, false); // node 7 reconnected: the newer stream takes over
        second.send(FETCH_FROM_7);
        assertEquals(FETCH_FROM_7, inbox2.poll(10, TimeUnit.SECONDS));
        voter.send(ANSWER_TO_7);
        assertEquals(ANSWER_TO_7, second.take());
        assertTrue(first.received.isEmpty(), "the replaced stream gets nothing");

        second.requests.onCompleted(); // the route's stream ends; the one it replaced does not come back
        assertEquals(Status.Code.OK, second.ended.get(10, TimeUnit.SECONDS).getCode());
        await().atMost(Duration.ofSeconds(10)).until(() -> voter.returnRoutes().isEmpty());
        long dropped = voter.droppedMessages();
        voter.send(ANSWER_TO_7);
        assertEquals(dropped + 1, voter.droppedMessages());

        first.send(FETCH_FROM_7); // until it carries something from 7 again
        assertEquals(FETCH_FROM_7, inbox2.poll(10, TimeUnit.SECONDS));
        voter.send(ANSWER_TO_7);
        assertEquals(ANSWER_TO_7, first.take());

        first.requests.cancel("node 7 goes away", null); // a cancelled stream removes its route too
        await().atMost(Duration.ofSeconds(10)).until(() -> voter.returnRoutes().isEmpty());
        assertTrue(first.ended.isDone());
    }

    @Test
    void anObserverThatStopsReadingCostsDropsNotMemory() throws Exception {
        int port = TestServers.unusedPort();
        GrpcTransport voter = receiver(port);
        voter.register(2, inbox2::add);
        RawStream stalled = new RawStream(QuorumGrpc.newStub(client(port)), true);
        stalled.send(FETCH_FROM_7);
        assertEquals(FETCH_FROM_7, inbox2.poll(10, TimeUnit.SECONDS));

        byte[] entry = new byte[64 << 10];
        Envelope big = new Envelope(2, 7, new Message.FetchResponse(4, 2, Message.Error.NONE,
                List.of(new LogEntry(0, 4, false, entry)), 1, null, null, 1));
        long droppedBefore = voter.droppedMessages();
        long startNs = System.nanoTime();
        for (int i = 0; i < 1000; i++) { // 64 MiB offered to a node that reads nothing
            voter.send(big);
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        long dropped = voter.droppedMessages() - droppedBefore;
        // what gets through is bounded by HTTP/2 flow control (at most gRPC's 8 MiB window) plus gRPC's 32 KiB
        assertTrue(dropped >= 1000 - 8 * 16 - 2, "only " + dropped + " of 1000 dropped: the rest is buffered");
        assertTrue(tookMs < 5000, "1000 sends took " + tookMs + " ms");

        stalled.readAll();
        await().atMost(Duration.ofSeconds(10)).until(() -> stalled.received.size() == 1000 - dropped);
        Envelope last = new Envelope(2, 7, new Message.BeginQuorumEpoch(5, 2));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            voter.send(last); // the route works again once the node reads
            return stalled.received.stream().anyMatch(QuorumEnvelope::hasBeginQuorumEpoch);
        });
        long bigReceived = stalled.received.stream().filter(QuorumEnvelope::hasFetchResponse).count();
        assertEquals(1000 - dropped, bigReceived, "every message not dropped arrives");
    }

    @Test
    void aPeerThatAnswersGarbageOnALinkHasThatLinkReset() throws Exception {
        int port = TestServers.unusedPort();
        QuorumGrpc.QuorumImplBase garbage = new QuorumGrpc.QuorumImplBase() {
            @Override
            public StreamObserver<QuorumEnvelope> deliver(StreamObserver<QuorumEnvelope> responses) {
                return new StreamObserver<>() {
                    @Override
                    public void onNext(QuorumEnvelope envelope) {
                        responses.onNext(QuorumEnvelope.newBuilder().setFrom(2).setTo(1).build()); // no body
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        responses.onCompleted();
                    }
                };
            }
        };
        Server server = TestServers.start(port, b -> b.addService(garbage));
        toClose.add(() -> TestServers.stop(server));
        GrpcTransport sender = sender(port);
        LinkedBlockingQueue<Envelope> inbox1 = new LinkedBlockingQueue<>();
        sender.register(1, inbox1::add);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            sender.send(BEGIN); // the refused stream is cancelled by the next send, and a new one opened later
            return sender.malformedStreams() >= 2;
        });
        assertTrue(inbox1.isEmpty(), "nothing malformed reaches the inbox");
    }
}
