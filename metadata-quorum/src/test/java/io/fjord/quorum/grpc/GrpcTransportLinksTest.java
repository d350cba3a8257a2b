package io.fjord.quorum.grpc;

import io.fjord.proto.internal.v1.DeliverAck;
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
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One link between two transports (node 1 sends, node 2 receives) under the failures a link meets: a peer that comes
 * up late, a peer that stops reading, and a sender that speaks garbage.
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

        AckObserver bad = new AckObserver();
        StreamObserver<QuorumEnvelope> badStream = stub.deliver(bad);
        badStream.onNext(QuorumEnvelope.newBuilder().setFrom(1).setTo(2).build()); // no body
        Throwable refused = assertThrows(Exception.class, () -> bad.result.get(10, TimeUnit.SECONDS)).getCause();
        Status status = Status.fromThrowable(refused);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertTrue(status.getDescription().contains("no message body"), status.getDescription());
        assertEquals(1, receiver.malformedStreams());

        AckObserver good = new AckObserver();
        StreamObserver<QuorumEnvelope> goodStream = stub.deliver(good);
        goodStream.onNext(QuorumMessages.toProto(new Envelope(1, 9, BEGIN.body()))); // nobody 9 here: dropped
        goodStream.onNext(QuorumMessages.toProto(BEGIN));
        goodStream.onCompleted();
        assertEquals(2, good.result.get(10, TimeUnit.SECONDS).getReceivedEnvelopes());
        assertEquals(BEGIN, inbox2.poll(10, TimeUnit.SECONDS));
        assertTrue(inbox2.isEmpty(), "the envelope for node 9 was dropped");
    }

    @Test
    void describeQuorumIsUnavailableUntilTheDriverIsThere() {
        int port = TestServers.unusedPort();
        receiver(port);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> QuorumGrpc.newBlockingStub(
                client(port)).describeQuorum(DescribeQuorumRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    }

    private static final class AckObserver implements StreamObserver<DeliverAck> {
        final CompletableFuture<DeliverAck> result = new CompletableFuture<>();

        @Override
        public void onNext(DeliverAck ack) {
            result.complete(ack);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            result.complete(null);
        }
    }
}
