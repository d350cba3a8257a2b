package io.fjord.quorum.controller.runtime;

/** This node is not the active controller; {@link #leaderId()} is the quorum leader it knows, or -1. */
public final class NotControllerException extends RuntimeException {
    private final int leaderId;

    public NotControllerException(int leaderId) {
        super("this node is not the active controller" + (leaderId < 0 ? "; none is known yet"
                : "; the active controller is node " + leaderId));
        this.leaderId = leaderId;
    }

    public int leaderId() {
        return leaderId;
    }
}
