package io.fjord.quorum.grpc;

import io.fjord.proto.internal.v1.QuorumEnvelope;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.driver.Transport;
import io.fjord.quorum.raft.Message.Envelope;
import io.grpc.BindableService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The quorum's network transport: gRPC between quorum nodes ({@code fjord.internal.v1.Quorum}). Outbound, one
 * {@link PeerLink} per configured peer (the voters: a lazily created channel and one long-lived Deliver stream);
 * inbound, {@link #service()}, which the hosting process adds to its server (configured with
 * {@link QuorumChannels#configureServer}) beside its other services: the transport owns no server.
 *
 * <p>Answering nodes that are not peers: every Deliver stream another node opened to {@link #service()} is a
 * {@linkplain ReturnRoutes return route} to the nodes whose envelopes it carried, so a message to a node that is
 * not a configured peer (an observer, whose address the voters do not know) goes back on the stream it last sent
 * on. Conversely, what a peer sends back on the response direction of one of our links arrives in our inboxes like
 * anything else, so an observer-only node (constructed with the voters as its peers) needs no server at all: it
 * reaches the voters through its links and hears their answers on them.
 *
 * <p>Routing of {@link #send}: a node registered on this transport, in-process; a configured peer, its link (never a
 * return route, even while the link is down); any other node, its return route if it has one.
 *
 * <p>Best effort, as {@link Transport} allows: {@link #send} never blocks and never throws. It drops, and counts in
 * {@link #droppedMessages()}, a message to a node that is neither a peer nor has a return route, one a peer's
 * stream or a return route cannot take now (not ready, broken, or being reopened after a backoff), one larger than
 * {@link QuorumChannels#MAX_MESSAGE_BYTES}, and anything sent after {@link #close}. Inbound messages addressed to a
 * node not registered here are dropped too.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class GrpcTransport implements Transport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcTransport.class);
    private static final long CLOSE_WAIT_MS = 2_000;

    private final int localId;
    private final Map<Integer, PeerLink> links;
    private final Map<Integer, Consumer<Envelope>> inboxes = new ConcurrentHashMap<>();
    private final InboundEnvelopes inbound;
    private final ReturnRoutes routes;
    private final QuorumService service;
    private final LongAdder dropped = new LongAdder();
    private final AtomicBoolean unsendableLogged = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param peers the address of each peer's quorum service, by node id (an entry for {@code localId} is ignored):
     *              the voters, on voters and observers alike
     */
    public GrpcTransport(int localId, Map<Integer, InetSocketAddress> peers) {
        this.localId = localId;
        this.inbound = new InboundEnvelopes(localId, this::deliverInbound);
        Map<Integer, PeerLink> byId = new HashMap<>();
        peers.forEach((id, address) -> {
            if (id != localId) {
                byId.put(id, new PeerLink(localId, id, address, inbound));
            }
        });
        this.links = Map.copyOf(byId);
        this.routes = new ReturnRoutes(localId);
        this.service = new QuorumService(localId, inbound, routes);
    }

    /** The quorum service for the hosting process's server. */
    public BindableService service() {
        return service;
    }

    /** What {@code DescribeQuorum} answers from (the driver, created after the transport); null: UNAVAILABLE. */
    public void statusSource(Supplier<QuorumDriver.Status> source) {
        service.statusSource(source);
    }

    @Override
    public void register(int nodeId, Consumer<Envelope> inbound) {
        inboxes.put(nodeId, inbound);
    }

    @Override
    public void unregister(int nodeId, Consumer<Envelope> inbound) {
        inboxes.remove(nodeId, inbound); // a newer registration for the same id stays
    }

    @Override
    public void send(Envelope envelope) {
        try {
            if (!trySend(envelope)) {
                dropped.increment();
            }
        } catch (RuntimeException e) {
            dropped.increment();
            logUnsendable(envelope, e.toString());
        }
    }

    private boolean trySend(Envelope envelope) {
        if (closed) {
            return false;
        }
        Consumer<Envelope> local = inboxes.get(envelope.to());
        if (local != null) {
            local.accept(envelope);
            return true;
        }
        PeerLink link = links.get(envelope.to());
        ReturnRoutes.Route route = link == null ? routes.get(envelope.to()) : null;
        if (link == null && route == null) {
            return false;
        }
        QuorumEnvelope wire = QuorumMessages.toProto(envelope);
        if (wire.getSerializedSize() > QuorumChannels.MAX_MESSAGE_BYTES) {
            logUnsendable(envelope, wire.getSerializedSize() + " bytes exceed the limit of "
                    + QuorumChannels.MAX_MESSAGE_BYTES);
            return false;
        }
        return link != null ? link.trySend(wire, System.nanoTime()) : route.trySend(wire);
    }

    private void logUnsendable(Envelope envelope, String why) {
        if (unsendableLogged.compareAndSet(false, true)) {
            LOG.warn("[Quorum node={}] dropping a {} to node {}: {} (later drops of this kind are not logged)",
                    localId, envelope.body() == null ? "message" : envelope.body().getClass().getSimpleName(),
                    envelope.to(), why);
        }
    }

    private void deliverInbound(Envelope envelope) {
        Consumer<Envelope> inbox = closed ? null : inboxes.get(envelope.to());
        if (inbox != null) {
            inbox.accept(envelope);
        }
    }

    /** Messages dropped by {@link #send} so far. */
    public long droppedMessages() {
        return dropped.sum();
    }

    /** Streams, inbound or outbound, ended because an envelope that arrived on them was malformed. */
    public long malformedStreams() {
        return inbound.malformedStreams();
    }

    /** The nodes this transport has a return route to now. */
    Set<Integer> returnRoutes() {
        return routes.nodeIds();
    }

    /**
     * Ends every outbound stream and shuts the channels down, waiting up to 2 s in all for them to terminate, and
     * completes every inbound stream (so the nodes on them see it end at once). The service keeps answering until the
     * hosting server stops, but delivers nothing more and keeps no route.
     */
    @Override
    public void close() {
        closed = true;
        routes.closeAll();
        links.values().forEach(PeerLink::close);
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        try {
            for (PeerLink link : links.values()) {
                link.awaitTermination(deadlineNs);
            }
        } catch (InterruptedException e) {
            links.values().forEach(PeerLink::shutdownNow);
            Thread.currentThread().interrupt();
        }
    }
}
