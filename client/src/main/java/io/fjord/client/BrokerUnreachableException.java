package io.fjord.client;

import io.fjord.proto.v1.ErrorCode;

/** No broker answered at the given addresses (gRPC {@code UNAVAILABLE}): none runs there, or none is reachable. */
public class BrokerUnreachableException extends RetriableException {
    private final String address;

    public BrokerUnreachableException(String address, Throwable cause) {
        super(ErrorCode.NONE, "cannot reach a broker at " + address
                + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
        this.address = address;
    }

    /** The {@code host:port} (or comma-separated list) that did not answer. */
    public String address() {
        return address;
    }
}
