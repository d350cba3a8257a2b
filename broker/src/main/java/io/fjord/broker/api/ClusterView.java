package io.fjord.broker.api;

import io.fjord.proto.internal.v1.ControllerError;
import io.fjord.proto.internal.v1.ControllerGrpc;
import io.fjord.quorum.metadata.MetadataImage;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the client API's metadata and admin services need of their node: the broker's committed metadata image, the
 * cluster's identity, and a way to the active controller. Implemented by the node; thread-safe.
 */
public interface ClusterView {
    String clusterId();

    /** The listener name whose endpoints clients are given (the node's client listener). */
    String listenerName();

    MetadataImage image();

    /** The active controller this node knows of, or -1. */
    int activeControllerId();

    /**
     * Waits until the broker's image satisfies {@code until} or {@code timeoutMs} passed; returns the image it
     * last saw either way.
     */
    MetadataImage awaitImage(Predicate<MetadataImage> until, long timeoutMs) throws InterruptedException;

    /**
     * One call answered by the active controller (following NOT_CONTROLLER answers); null if none answered within
     * {@code timeoutMs}.
     */
    <T> T callController(Function<ControllerGrpc.ControllerBlockingStub, T> rpc, Function<T, ControllerError> error,
                         long timeoutMs) throws InterruptedException;
}
