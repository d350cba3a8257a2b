package io.fjord.quorum.grpc;

import io.fjord.proto.internal.v1.QuorumEnvelope;
import io.fjord.proto.internal.v1.QuorumGrpc;
import io.fjord.quorum.raft.Message.Envelope;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One directed link (this node to one peer): a channel, created on first use, and one long-lived Deliver stream on
 * it. The stream carries this node's envelopes to the peer and, on its response direction, whatever the peer sends
 * back over it (how the peer answers a node that is not one of its own peers, an observer); those are handed to
 * the local inboxes like any inbound envelope, and a malformed one ends the stream (counted by
 * {@link InboundEnvelopes}). A link is opened by sending only: a node hears nothing from a peer it never sent to.
 *
 * <p>{@link #trySend} never blocks: it writes only while gRPC reports the stream ready (its send buffer under gRPC's
 * 32 KiB threshold), and otherwise refuses, so memory per peer stays bounded however slow or dead the peer is.
 *
 * <p>Stream life: none &rarr; opened (not ready yet: up to {@link #UNSTARTED_BUDGET_BYTES} may be written, which
 * gRPC holds until the stream starts, so the first vote or fetch after a reconnect is not lost) &rarr; ready
 * (writes while {@code isReady()}) &rarr; failed (the call ended: the next send discards it and the link waits a
 * backoff before it opens a new stream: 100 ms after a stream that lived at least 1 s, else doubling up to 1 s, so
 * a peer that is down or keeps refusing our streams is retried, and logged, at most once a second). Opening a stream
 * on a channel in {@code TRANSIENT_FAILURE} resets gRPC's own reconnect backoff (up to 2 min), so a restarted peer
 * is reached within a second.
 *
 * <p>Thread-safety: {@link #trySend} and {@link #close} are serialized by the link's lock, which is never held
 * while waiting. gRPC's callbacks (on gRPC's executor, one at a time per stream) take no lock: they hand arriving
 * envelopes to the inboxes and set the stream's volatile flags, read under the lock by the next send (which also
 * logs link transitions, once each, and cancels a stream the peer broke by sending garbage).
 */
final class PeerLink {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    static final long MIN_BACKOFF_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long MAX_BACKOFF_NS = TimeUnit.SECONDS.toNanos(1);
    static final int UNSTARTED_BUDGET_BYTES = 64 << 10;

    private final int localId;
    private final int peerId;
    private final InetSocketAddress address;
    private final InboundEnvelopes inbound;
    private ManagedChannel channel;
    private DeliverStream stream;
    private long retryAtNs;
    private long backoffNs = MIN_BACKOFF_NS;
    private boolean up;
    private long upSinceNs;
    private boolean closed;

    PeerLink(int localId, int peerId, InetSocketAddress address, InboundEnvelopes inbound) {
        this.localId = localId;
        this.peerId = peerId;
        this.address = address;
        this.inbound = inbound;
    }

    /** Writes {@code envelope} to the peer's stream if it can take it now; false if it was dropped. */
    synchronized boolean trySend(QuorumEnvelope envelope, long nowNs) {
        if (closed) {
            return false;
        }
        if (stream != null && stream.failure != null) {
            onFailed(nowNs);
        }
        if (stream == null) {
            if (nowNs - retryAtNs < 0) {
                return false;
            }
            stream = open();
        }
        if (stream.started && !up) {
            up = true;
            upSinceNs = nowNs;
            LOG.info("[Quorum node={}] link to node {} at {} is up", localId, peerId, address);
        }
        return stream.offer(envelope);
    }

    private DeliverStream open() {
        if (channel == null) {
            channel = QuorumChannels.channel(address);
        } else if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
        DeliverStream opened = new DeliverStream(inbound);
        QuorumGrpc.newStub(channel).deliver(opened); // calls opened.beforeStart before it returns
        return opened;
    }

    /**
     * The stream ended. A link that had been up for a while retries after the shortest backoff; one whose streams
     * fail at once (peer down, or refusing what we send) backs off further each time, up to the longest.
     */
    private void onFailed(long nowNs) {
        Status failure = stream.failure;
        stream.cancel(); // ended already, unless we refused what the peer sent on it
        stream = null;
        if (up && nowNs - upSinceNs >= MAX_BACKOFF_NS) {
            backoffNs = MIN_BACKOFF_NS;
        }
        retryAtNs = nowNs + backoffNs;
        backoffNs = Math.min(backoffNs * 2, MAX_BACKOFF_NS);
        if (up) {
            up = false;
            LOG.info("[Quorum node={}] link to node {} at {} is down ({}: {}); dropping messages to it until it is "
                    + "back", localId, peerId, address, failure.getCode(), failure.getDescription());
        }
    }

    /** Ends the stream and starts shutting the channel down; {@link #awaitTermination} waits for it. */
    synchronized void close() {
        closed = true;
        if (stream != null) {
            stream.end();
            stream = null;
        }
        if (channel != null) {
            channel.shutdown();
        }
    }

    /** Waits until {@code deadlineNs} for the channel to terminate, then forces it. */
    void awaitTermination(long deadlineNs) throws InterruptedException {
        ManagedChannel toWait;
        synchronized (this) {
            toWait = channel;
        }
        if (toWait != null && !toWait.awaitTermination(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            toWait.shutdownNow();
        }
    }

    synchronized void shutdownNow() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    /** One Deliver call. Its flags are written by gRPC's threads and read under the link's lock. */
    private static final class DeliverStream implements ClientResponseObserver<QuorumEnvelope, QuorumEnvelope> {
        private final InboundEnvelopes inbound;
        private ClientCallStreamObserver<QuorumEnvelope> requests;
        private volatile boolean started;
        private volatile Status failure;
        private long unstartedBytes;

        DeliverStream(InboundEnvelopes inbound) {
            this.inbound = inbound;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<QuorumEnvelope> requestStream) {
            requests = requestStream;
            requestStream.setOnReadyHandler(() -> started = true);
        }

        boolean offer(QuorumEnvelope envelope) {
            if (requests.isReady()) {
                requests.onNext(envelope);
                return true;
            }
            int size = envelope.getSerializedSize();
            if (!started && unstartedBytes + size <= UNSTARTED_BUDGET_BYTES) {
                unstartedBytes += size; // held by gRPC until the stream starts, or discarded if it fails
                requests.onNext(envelope);
                return true;
            }
            return false;
        }

        void end() {
            try {
                requests.onCompleted();
            } catch (RuntimeException alreadyEnded) {
                requests.cancel("quorum transport closed", null);
            }
        }

        void cancel() {
            requests.cancel("quorum link reset", null);
        }

        /** An envelope the peer sent back on this stream (gRPC calls these one at a time). */
        @Override
        public void onNext(QuorumEnvelope wire) {
            if (failure != null) {
                return; // refused: the next send cancels the stream
            }
            Envelope envelope;
            try {
                envelope = inbound.decode(wire, "an outbound");
            } catch (IllegalArgumentException e) {
                failure = Status.INVALID_ARGUMENT.withDescription("the peer sent " + e.getMessage());
                return;
            }
            inbound.deliver(envelope);
        }

        @Override
        public void onError(Throwable t) {
            failure = Status.fromThrowable(t);
        }

        @Override
        public void onCompleted() {
            failure = Status.UNAVAILABLE.withDescription("the peer ended the stream");
        }
    }
}
