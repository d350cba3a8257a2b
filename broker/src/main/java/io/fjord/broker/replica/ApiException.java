package io.fjord.broker.replica;

import io.fjord.proto.v1.ErrorCode;

/**
 * A per-partition protocol outcome other than success, with Kafka's error name and a message naming the problem.
 * Thrown inside the broker and turned into an {@link ErrorCode} value in the response at the service boundary.
 */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;

    public ApiException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
