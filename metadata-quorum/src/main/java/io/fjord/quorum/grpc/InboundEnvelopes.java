package io.fjord.quorum.grpc;

import io.fjord.proto.internal.v1.QuorumEnvelope;
import io.fjord.quorum.raft.Message.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Where envelopes arriving on either direction of a Deliver stream enter the transport: on the request direction
 * of a stream a peer opened to us ({@link QuorumService}) and on the response direction of a stream we opened
 * ({@link PeerLink}). Decodes them, refuses malformed ones (the caller ends that stream; logged at WARN the first
 * time, at DEBUG after, and counted), and hands the rest to the transport's inboxes.
 *
 * <p>Thread-safety: called on gRPC's threads, concurrently for different streams.
 */
final class InboundEnvelopes {
    private static final Logger LOG = LoggerFactory.getLogger(InboundEnvelopes.class);

    private final int localId;
    private final Consumer<Envelope> inboxes;
    private final AtomicBoolean malformedLogged = new AtomicBoolean();
    private final LongAdder malformedStreams = new LongAdder();

    InboundEnvelopes(int localId, Consumer<Envelope> inboxes) {
        this.localId = localId;
        this.inboxes = inboxes;
    }

    /**
     * The envelope in the core's terms.
     *
     * @param direction for the log: which kind of stream it came on
     * @throws IllegalArgumentException if it is malformed (counted and logged here): the caller ends its stream
     */
    Envelope decode(QuorumEnvelope wire, String direction) {
        try {
            return QuorumMessages.fromProto(wire);
        } catch (IllegalArgumentException e) {
            malformedStreams.increment();
            if (malformedLogged.compareAndSet(false, true)) {
                LOG.warn("[Quorum node={}] closing {} quorum stream: {} (later ones are logged at DEBUG)",
                        localId, direction, e.getMessage());
            } else {
                LOG.debug("[Quorum node={}] closing {} quorum stream: {}", localId, direction, e.getMessage());
            }
            throw e;
        }
    }

    /** Hands {@code envelope} to the inbox of the node it is addressed to (dropped if none is registered). */
    void deliver(Envelope envelope) {
        inboxes.accept(envelope);
    }

    /** Streams ended, on either end, because an envelope was malformed. */
    long malformedStreams() {
        return malformedStreams.sum();
    }
}
