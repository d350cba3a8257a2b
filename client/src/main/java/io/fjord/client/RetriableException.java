package io.fjord.client;

import io.fjord.proto.v1.ErrorCode;

/** A failure that may go away if the operation is tried again (a leader moved, a broker restarted). Immutable. */
public class RetriableException extends FjordException {
    public RetriableException(ErrorCode errorCode, String message) {
        super(errorCode, message);
    }

    public RetriableException(ErrorCode errorCode, String message, Throwable cause) {
        super(errorCode, message, cause);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
