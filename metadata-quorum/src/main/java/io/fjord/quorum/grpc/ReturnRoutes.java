package io.fjord.quorum.grpc;

import io.fjord.proto.internal.v1.QuorumEnvelope;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ways back to nodes that opened a Deliver stream to this node: for each node id, the response direction of
 * the inbound stream that most recently carried an envelope from it. This is how a node answers an observer, whose
 * address it does not know (and which may be unreachable from here, behind NAT or a Kubernetes service). A voter
 * that opened a link here gets a route too, which {@link GrpcTransport} leaves unused: voters are answered on links.
 *
 * <p>Life of a route: {@link #open} when a stream starts (no node yet); {@link Route#learn} on each envelope, which
 * makes the stream the route to the envelope's sender, replacing another stream's route to it (the stream that
 * last carried something from a node wins: after a restart or reconnect, the node's new stream); the stream's end,
 * however it ends ({@link Route#complete}, {@link Route#fail} or {@link Route#ended}), removes it for every node
 * it serves, unless another stream has replaced it for that node meanwhile; {@link #closeAll} ends them all.
 *
 * <p>Sending ({@link Route#trySend}) follows the links' rules: it never blocks and writes only while gRPC reports
 * the stream ready ({@link ServerCallStreamObserver#isReady()}, its send buffer under 32 KiB), so memory per route
 * stays bounded however slowly the node reads; otherwise it refuses, and the caller drops and counts.
 *
 * <p>Thread-safety: the table may be read and written from any thread. A route's writes to its stream ({@code
 * onNext} from the sender's thread, and the end of the stream from gRPC's threads) are serialized by the route's
 * lock, which is held only for non-blocking calls. {@link Route#learn} and the stream's end run on the stream's
 * gRPC callbacks, which gRPC serializes.
 */
final class ReturnRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ReturnRoutes.class);

    private final int localId;
    private final Map<Integer, Route> byNodeId = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ReturnRoutes(int localId) {
        this.localId = localId;
    }

    /**
     * A route over a stream that has just started; it serves no node until {@link Route#learn}. Must be called
     * from the service method that received the stream (it sets the stream's cancellation handler).
     */
    Route open(ServerCallStreamObserver<QuorumEnvelope> responses) {
        Route route = new Route(responses);
        responses.setOnCancelHandler(route::ended); // also turns onNext after a cancellation into a no-op
        return route;
    }

    /** The route to {@code nodeId}, or null. */
    Route get(int nodeId) {
        return byNodeId.get(nodeId);
    }

    /** Nodes with a route now (for tests). */
    Set<Integer> nodeIds() {
        return Set.copyOf(byNodeId.keySet());
    }

    /** Completes every stream and forgets every route; later streams serve no node. */
    void closeAll() {
        closed = true;
        for (Route route : byNodeId.values()) {
            route.endStream(null); // not forget(): the route's own set belongs to its stream's callbacks
        }
        byNodeId.clear();
    }

    /** The response direction of one inbound Deliver stream. */
    final class Route {
        private final ServerCallStreamObserver<QuorumEnvelope> responses;
        private final Set<Integer> nodeIds = new HashSet<>(); // only the stream's serialized callbacks touch it
        private boolean ended; // guarded by this

        private Route(ServerCallStreamObserver<QuorumEnvelope> responses) {
            this.responses = responses;
        }

        /** An envelope from {@code nodeId} arrived on this stream: this is now the route to it. */
        void learn(int nodeId) {
            if (closed || byNodeId.get(nodeId) == this) {
                return; // the common case: one map read per envelope
            }
            synchronized (this) {
                if (ended) {
                    return;
                }
            }
            Route replaced = byNodeId.put(nodeId, this);
            nodeIds.add(nodeId);
            LOG.debug("[Quorum node={}] return route to node {} {}", localId, nodeId,
                    replaced == null ? "opened" : "moved to another of its streams");
        }

        /** Writes {@code envelope} if the stream can take it now; false if it must be dropped. Never blocks. */
        synchronized boolean trySend(QuorumEnvelope envelope) {
            if (ended || !responses.isReady()) {
                return false;
            }
            responses.onNext(envelope);
            return true;
        }

        /** The caller half-closed: completes the stream and forgets the route. */
        void complete() {
            endStream(null);
            forget();
        }

        /** Ends the stream with {@code status} (a malformed envelope) and forgets the route. */
        void fail(Status status) {
            endStream(status);
            forget();
        }

        /** Completes the stream ({@code failure} null) or fails it, unless it has ended already. */
        private synchronized void endStream(Status failure) {
            if (ended) {
                return;
            }
            ended = true;
            try {
                if (failure == null) {
                    responses.onCompleted();
                } else {
                    responses.onError(failure.asRuntimeException());
                }
            } catch (RuntimeException alreadyEnded) {
                // the call ended under us (cancelled): there is nothing left to end
            }
        }

        /** The stream ended on its own (cancelled, reset, the caller gone): forgets the route. */
        void ended() {
            synchronized (this) {
                ended = true;
            }
            forget();
        }

        private void forget() {
            for (int nodeId : nodeIds) {
                if (byNodeId.remove(nodeId, this)) {
                    LOG.debug("[Quorum node={}] return route to node {} closed", localId, nodeId);
                }
            }
            nodeIds.clear();
        }
    }
}
