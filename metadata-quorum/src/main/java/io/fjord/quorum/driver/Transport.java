package io.fjord.quorum.driver;

import io.fjord.quorum.raft.Message.Envelope;

import java.util.function.Consumer;

/**
 * Carries quorum messages between nodes: in-process for tests ({@link LoopbackTransport}), gRPC on the controller
 * listener in a real node. Delivery is best effort: the protocol tolerates loss, duplication and reordering.
 */
public interface Transport {
    /** Registers the node's inbox: {@code inbound} is called, on any thread, for each message addressed to it. */
    void register(int nodeId, Consumer<Envelope> inbound);

    /** Removes {@code inbound} if it is still the inbox registered for {@code nodeId}. */
    void unregister(int nodeId, Consumer<Envelope> inbound);

    /** Sends without blocking and never throws; a message to an unknown or unreachable node is dropped. */
    void send(Envelope envelope);
}
