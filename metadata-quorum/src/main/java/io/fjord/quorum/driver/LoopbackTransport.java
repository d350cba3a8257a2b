package io.fjord.quorum.driver;

import io.fjord.quorum.raft.Message.Envelope;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** In-process transport: delivers each message straight to the registered inbox. Thread-safe. */
public final class LoopbackTransport implements Transport {
    private final Map<Integer, Consumer<Envelope>> inboxes = new ConcurrentHashMap<>();

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
        Consumer<Envelope> inbox = inboxes.get(envelope.to());
        if (inbox != null) {
            inbox.accept(envelope);
        }
    }
}
