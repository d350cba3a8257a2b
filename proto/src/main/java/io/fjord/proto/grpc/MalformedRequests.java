package io.fjord.proto.grpc;

import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.io.InputStream;

/**
 * Answers a request whose bytes do not parse as its message with INVALID_ARGUMENT naming the message and the problem
 * ("malformed fjord.v1.ProduceRequest: ..."). gRPC itself answers UNKNOWN "Application error processing RPC" whatever
 * a marshaller throws, which leaves the reason in the server's log only. Each method's request marshaller is wrapped
 * so that a parse failure becomes a value, which the call's listener answers before the service sees anything.
 */
public final class MalformedRequests {
    private MalformedRequests() {
    }

    /**
     * The service with malformed requests answered INVALID_ARGUMENT. Apply it last, around interceptors and other
     * rewrites (such as {@link AliasingMarshaller#aliasingRequests}): the methods it returns take any object as request.
     */
    public static ServerServiceDefinition answered(ServerServiceDefinition service) {
        return ServiceDefinitions.mapMethods(service, MalformedRequests::answering);
    }

    /**
     * The marshaller that parses a method's requests: the given one, or the one a {@link #answered} method wraps (for
     * tests and diagnostics: which parser a served method really uses).
     */
    public static MethodDescriptor.Marshaller<?> requestParser(MethodDescriptor<?, ?> method) {
        MethodDescriptor.Marshaller<?> marshaller = method.getRequestMarshaller();
        return marshaller instanceof Tolerant<?> tolerant ? tolerant.parser : marshaller;
    }

    private static <Q, R> ServerMethodDefinition<Object, R> answering(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
        Tolerant<Q> requests = new Tolerant<>(descriptor.getRequestMarshaller(), messageName(descriptor));
        ServerCallHandler<Q, R> service = method.getServerCallHandler();
        ServerCallHandler<Object, R> handler = (call, headers) -> {
            // the call's messages are checked below, before any reaches the service, so only Q instances pass
            @SuppressWarnings("unchecked")
            ServerCall<Q, R> typed = (ServerCall<Q, R>) (ServerCall<?, R>) call;
            return new AnsweringListener<>(call, service.startCall(typed, headers));
        };
        return ServerMethodDefinition.create(
                descriptor.toBuilder(requests, descriptor.getResponseMarshaller()).build(), handler);
    }

    private static String messageName(MethodDescriptor<?, ?> method) {
        if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto
                && proto.getMessagePrototype() instanceof Message prototype) {
            return prototype.getDescriptorForType().getFullName();
        }
        return "request of " + method.getFullMethodName();
    }

    /** What a request that did not parse becomes. */
    private record Malformed(String problem) {
    }

    /** Parses with the method's own marshaller; a failure becomes a {@link Malformed} value instead of an exception. */
    private static final class Tolerant<Q> implements MethodDescriptor.Marshaller<Object> {
        private final MethodDescriptor.Marshaller<Q> parser;
        private final String messageName;

        Tolerant(MethodDescriptor.Marshaller<Q> parser, String messageName) {
            this.parser = parser;
            this.messageName = messageName;
        }

        @Override
        @SuppressWarnings("unchecked")
        public InputStream stream(Object value) {
            if (value instanceof Malformed) {
                throw new IllegalArgumentException("a malformed " + messageName + " has no bytes to send");
            }
            return parser.stream((Q) value);
        }

        @Override
        public Object parse(InputStream stream) {
            try {
                return parser.parse(stream);
            } catch (RuntimeException e) {
                return new Malformed("malformed " + messageName + ": " + describe(e));
            }
        }

        private static String describe(RuntimeException e) {
            if (e instanceof StatusRuntimeException status) {
                String description = status.getStatus().getDescription();
                Throwable cause = status.getCause();
                if (cause != null && cause.getMessage() != null
                        && (description == null || !description.contains(cause.getMessage()))) {
                    return description == null ? cause.getMessage() : description + ": " + cause.getMessage();
                }
                return description == null ? status.getStatus().getCode().toString() : description;
            }
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /**
     * Hands parsed requests to the service's listener. On a malformed one, the service's listener is told the call is
     * cancelled (a streaming service stops sending), the call is answered, and its later events are not passed on.
     */
    private static final class AnsweringListener<Q> extends ServerCall.Listener<Object> {
        private final ServerCall<Object, ?> call;
        private final ServerCall.Listener<Q> service;
        private boolean answered; // listener methods are called serially, never concurrently

        AnsweringListener(ServerCall<Object, ?> call, ServerCall.Listener<Q> service) {
            this.call = call;
            this.service = service;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(Object message) {
            if (answered) {
                return;
            }
            if (message instanceof Malformed malformed) {
                answered = true;
                try {
                    // first, so the service stops sending: a streaming service may send from other threads, and a
                    // call must not be sent on and closed at once (once gRPC's stub is cancelled, it drops sends)
                    service.onCancel();
                } finally {
                    close(Status.INVALID_ARGUMENT.withDescription(malformed.problem()));
                }
                return;
            }
            service.onMessage((Q) message);
        }

        private void close(Status status) {
            try {
                call.close(status, new Metadata());
            } catch (IllegalStateException alreadyClosed) {
                // the service had ended the call already (a streaming service that refused an earlier message)
            }
        }

        @Override
        public void onHalfClose() {
            if (!answered) {
                service.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!answered) {
                service.onReady();
            }
        }

        @Override
        public void onCancel() {
            if (!answered) {
                service.onCancel();
            }
        }

        @Override
        public void onComplete() {
            if (!answered) {
                service.onComplete();
            }
        }
    }
}
