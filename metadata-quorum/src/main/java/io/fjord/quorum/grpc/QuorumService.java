package io.fjord.quorum.grpc;

import io.fjord.proto.internal.v1.DescribeQuorumRequest;
import io.fjord.proto.internal.v1.DescribeQuorumResponse;
import io.fjord.proto.internal.v1.QuorumEnvelope;
import io.fjord.proto.internal.v1.QuorumGrpc;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.raft.Message.Envelope;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.function.Supplier;

/**
 * The receiving end of the quorum's links, and its management view. {@code Deliver}: each envelope of a stream
 * makes the stream the return route to its sender ({@link ReturnRoutes}), then is handed to the addressed inbox; a
 * malformed one ends that stream with {@code INVALID_ARGUMENT}; a half-close by the caller completes it. Every end
 * of the stream removes its routes. {@code DescribeQuorum}: answered from the status source, or
 * {@code UNAVAILABLE} until one is set.
 *
 * <p>Thread-safety: called on the server's threads; each stream's calls are serialized by gRPC.
 */
final class QuorumService extends QuorumGrpc.QuorumImplBase {
    private final int localId;
    private final InboundEnvelopes inbound;
    private final ReturnRoutes routes;
    private volatile Supplier<QuorumDriver.Status> statusSource;

    QuorumService(int localId, InboundEnvelopes inbound, ReturnRoutes routes) {
        this.localId = localId;
        this.inbound = inbound;
        this.routes = routes;
    }

    void statusSource(Supplier<QuorumDriver.Status> source) {
        this.statusSource = source;
    }

    @Override
    public StreamObserver<QuorumEnvelope> deliver(StreamObserver<QuorumEnvelope> responses) {
        ReturnRoutes.Route route = routes.open((ServerCallStreamObserver<QuorumEnvelope>) responses);
        return new StreamObserver<>() {
            private boolean ended;

            @Override
            public void onNext(QuorumEnvelope wire) {
                if (ended) {
                    return;
                }
                Envelope envelope;
                try {
                    envelope = inbound.decode(wire, "an inbound");
                } catch (IllegalArgumentException e) {
                    ended = true;
                    route.fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
                    return;
                }
                route.learn(envelope.from()); // before the inbox sees it, so that its answer finds the route
                inbound.deliver(envelope);
            }

            @Override
            public void onError(Throwable t) {
                ended = true; // the caller went away or cancelled: it opens a new stream when it needs one
                route.ended();
            }

            @Override
            public void onCompleted() {
                if (!ended) {
                    ended = true;
                    route.complete();
                }
            }
        };
    }

    @Override
    public void describeQuorum(DescribeQuorumRequest request, StreamObserver<DescribeQuorumResponse> responses) {
        Supplier<QuorumDriver.Status> source = statusSource;
        QuorumDriver.Status status = source == null ? null : source.get();
        if (status == null) {
            responses.onError(Status.UNAVAILABLE.withDescription("the quorum driver of node " + localId
                    + " is not running").asRuntimeException());
            return;
        }
        responses.onNext(QuorumMessages.describeQuorumResponse(status));
        responses.onCompleted();
    }
}
