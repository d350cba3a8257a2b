package io.fjord.quorum.grpc;

import io.fjord.proto.internal.v1.DeliverAck;
import io.fjord.proto.internal.v1.DescribeQuorumRequest;
import io.fjord.proto.internal.v1.DescribeQuorumResponse;
import io.fjord.proto.internal.v1.QuorumEnvelope;
import io.fjord.proto.internal.v1.QuorumGrpc;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.raft.Message.Envelope;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The receiving end of the quorum's links, and its management view. {@code Deliver}: each envelope of a stream is
 * converted and handed to {@code inbound}; a malformed one ends that stream with {@code INVALID_ARGUMENT} (logged
 * at WARN the first time, at DEBUG after). {@code DescribeQuorum}: answered from the status source, or
 * {@code UNAVAILABLE} until one is set.
 *
 * <p>Thread-safety: called on the server's threads; each stream's calls are serialized by gRPC.
 */
final class QuorumService extends QuorumGrpc.QuorumImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumService.class);

    private final int localId;
    private final Consumer<Envelope> inbound;
    private final AtomicBoolean malformedLogged = new AtomicBoolean();
    private final LongAdder malformedStreams = new LongAdder();
    private volatile Supplier<QuorumDriver.Status> statusSource;

    QuorumService(int localId, Consumer<Envelope> inbound) {
        this.localId = localId;
        this.inbound = inbound;
    }

    void statusSource(Supplier<QuorumDriver.Status> source) {
        this.statusSource = source;
    }

    long malformedStreams() {
        return malformedStreams.sum();
    }

    @Override
    public StreamObserver<QuorumEnvelope> deliver(StreamObserver<DeliverAck> responses) {
        return new StreamObserver<>() {
            private long received;
            private boolean ended;

            @Override
            public void onNext(QuorumEnvelope envelope) {
                if (ended) {
                    return;
                }
                Envelope converted;
                try {
                    converted = QuorumMessages.fromProto(envelope);
                } catch (IllegalArgumentException e) {
                    ended = true;
                    refuse(e);
                    responses.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
                    return;
                }
                received++;
                inbound.accept(converted);
            }

            @Override
            public void onError(Throwable t) {
                ended = true; // the sender went away or cancelled: it opens a new stream when it needs one
            }

            @Override
            public void onCompleted() {
                if (!ended) {
                    ended = true;
                    responses.onNext(DeliverAck.newBuilder().setReceivedEnvelopes(received).build());
                    responses.onCompleted();
                }
            }
        };
    }

    private void refuse(IllegalArgumentException e) {
        malformedStreams.increment();
        if (malformedLogged.compareAndSet(false, true)) {
            LOG.warn("[Quorum node={}] closing an inbound quorum stream: {} (later ones are logged at DEBUG)",
                    localId, e.getMessage());
        } else {
            LOG.debug("[Quorum node={}] closing an inbound quorum stream: {}", localId, e.getMessage());
        }
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
