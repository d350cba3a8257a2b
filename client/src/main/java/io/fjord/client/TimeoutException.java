package io.fjord.client;

import io.fjord.proto.v1.ErrorCode;

/**
 * An operation did not finish in time: {@code delivery.timeout.ms} ran out for a record, {@code max.block.ms} for
 * metadata or buffer space, or a request's {@code request.timeout.ms}. The message says which. Immutable.
 */
public class TimeoutException extends RetriableException {
    public TimeoutException(String message) {
        super(ErrorCode.REQUEST_TIMED_OUT, message);
    }

    public TimeoutException(String message, Throwable cause) {
        super(ErrorCode.REQUEST_TIMED_OUT, message, cause);
    }
}
