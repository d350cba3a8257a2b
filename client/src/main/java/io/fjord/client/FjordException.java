package io.fjord.client;

import io.fjord.proto.v1.ErrorCode;

/**
 * Base of every exception the client throws or completes a future with. Carries the broker's {@link ErrorCode}
 * ({@link ErrorCode#NONE} for problems found on the client side) and a message saying what exactly went wrong,
 * including the broker's own message when there is one.
 *
 * <p>{@link RetriableException} marks failures that may succeed if tried again (the producer retries them itself
 * within {@code delivery.timeout.ms}); everything else is final. Immutable and thread-safe.
 */
public class FjordException extends RuntimeException {
    private final ErrorCode errorCode;

    public FjordException(ErrorCode errorCode, String message) {
        this(errorCode, message, null);
    }

    public FjordException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode == null ? ErrorCode.NONE : errorCode;
    }

    public FjordException(String message) {
        this(ErrorCode.NONE, message, null);
    }

    /** The broker's error code, or {@link ErrorCode#NONE} when the problem was found by the client. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** Whether trying again may succeed. */
    public boolean isRetriable() {
        return false;
    }

    /**
     * The exception for a broker's answer: retriable or not according to the code. The message is
     * {@code "<CODE>: <broker message>"} followed by {@code context} (e.g. which topic partition).
     */
    public static FjordException forError(ErrorCode code, String brokerMessage, String context) {
        StringBuilder text = new StringBuilder(code.name());
        if (brokerMessage != null && !brokerMessage.isEmpty()) {
            text.append(": ").append(brokerMessage);
        }
        if (context != null && !context.isEmpty()) {
            text.append(" (").append(context).append(')');
        }
        return io.fjord.client.internal.RetryPolicy.isRetriable(code)
                ? new RetriableException(code, text.toString())
                : new FjordException(code, text.toString());
    }
}
