package io.fjord.broker.api;

import io.fjord.proto.grpc.MalformedRequests;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place exceptions become gRPC statuses: a {@link StatusRuntimeException} (a request-level problem a service
 * found: INVALID_ARGUMENT, RESOURCE_EXHAUSTED, ...) keeps its status; anything else is a bug and becomes INTERNAL with
 * its message, logged once; a request whose bytes do not parse is answered INVALID_ARGUMENT naming the problem
 * ({@link MalformedRequests}). The call is closed; the server keeps serving. Stateless and thread-safe.
 */
public final class GrpcErrors implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);
    private static final GrpcErrors INSTANCE = new GrpcErrors();

    private GrpcErrors() {
    }

    /** The service with its exceptions and its malformed requests turned into statuses as described above. */
    public static ServerServiceDefinition guarded(ServerServiceDefinition service) {
        return MalformedRequests.answered(ServerInterceptors.intercept(service, INSTANCE));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(call, headers);
        } catch (RuntimeException e) {
            close(call, e);
            return new ServerCall.Listener<>() {
            };
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                try {
                    super.onMessage(message);
                } catch (RuntimeException e) {
                    close(call, e);
                }
            }

            @Override
            public void onHalfClose() {
                try {
                    super.onHalfClose();
                } catch (RuntimeException e) {
                    close(call, e);
                }
            }

            @Override
            public void onReady() {
                try {
                    super.onReady();
                } catch (RuntimeException e) {
                    close(call, e);
                }
            }
        };
    }

    /** The status for an exception escaping a service. */
    public static Status toStatus(Throwable e) {
        if (e instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        if (e instanceof StatusException se) {
            return se.getStatus();
        }
        return Status.INTERNAL.withDescription("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage())
                .withCause(e);
    }

    private static void close(ServerCall<?, ?> call, RuntimeException e) {
        Status status = toStatus(e);
        if (status.getCode() == Status.Code.INTERNAL) {
            LOG.error("{} failed: {}", call.getMethodDescriptor().getFullMethodName(), status.getDescription(), e);
        }
        try {
            call.close(status, new Metadata());
        } catch (IllegalStateException alreadyClosed) {
            LOG.debug("{} was already closed", call.getMethodDescriptor().getFullMethodName());
        }
    }

    /** A request-level INVALID_ARGUMENT, for services to throw. */
    public static StatusRuntimeException invalidArgument(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
