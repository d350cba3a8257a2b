package io.fjord.client.internal;

import io.fjord.client.BrokerUnreachableException;
import io.fjord.client.FjordException;
import io.fjord.client.RetriableException;
import io.fjord.client.TimeoutException;
import io.fjord.proto.v1.ErrorCode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Maps gRPC failures to the client's exceptions. Stateless; thread-safe. */
public final class GrpcErrors {
    private GrpcErrors() {
    }

    /** Whether a call that failed with this status may succeed when tried again (possibly on another broker). */
    public static boolean isRetriable(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.ABORTED;
    }

    public static FjordException toException(Throwable t, String address) {
        if (t instanceof FjordException f) {
            return f;
        }
        Status status = Status.fromThrowable(t);
        switch (status.getCode()) {
            case UNAVAILABLE:
                return new BrokerUnreachableException(address, t);
            case DEADLINE_EXCEEDED:
                return new TimeoutException("no answer from " + address + " in time (request.timeout.ms)", t);
            case ABORTED:
                return new RetriableException(ErrorCode.NONE, describe(status, address), t);
            case INVALID_ARGUMENT:
                return new FjordException(ErrorCode.INVALID_REQUEST, describe(status, address), t);
            case RESOURCE_EXHAUSTED:
                return new FjordException(ErrorCode.RECORD_TOO_LARGE, describe(status, address), t);
            default:
                return new FjordException(ErrorCode.UNKNOWN_SERVER_ERROR, describe(status, address), t);
        }
    }

    public static boolean isStatus(Throwable t) {
        return t instanceof StatusRuntimeException || t instanceof io.grpc.StatusException;
    }

    private static String describe(Status status, String address) {
        return "broker " + address + " refused the request: " + status.getCode()
                + (status.getDescription() == null ? "" : ": " + status.getDescription());
    }
}
