package io.fjord.proto.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;

import java.io.IOException;
import java.io.InputStream;

/**
 * A gRPC marshaller for messages carrying record batches in {@code bytes} fields: each message is parsed from a
 * buffer of its own with protobuf's aliasing on, so its {@code bytes} fields are views of that buffer rather than
 * copies. gRPC's standard marshaller parses from a per-thread buffer it reuses, so it must copy every {@code bytes}
 * field out of it: one more copy, and one more allocation, of every record produced or fetched. Serializing is the
 * standard marshaller's. Thread-safe.
 */
public final class AliasingMarshaller<T extends Message> implements MethodDescriptor.PrototypeMarshaller<T> {
    private final T prototype;
    private final Parser<T> parser;
    private final MethodDescriptor.Marshaller<T> standard;

    @SuppressWarnings("unchecked")
    private AliasingMarshaller(T prototype) {
        this.prototype = prototype;
        this.parser = (Parser<T>) prototype.getParserForType();
        this.standard = ProtoUtils.marshaller(prototype);
    }

    public static <T extends Message> AliasingMarshaller<T> of(T prototype) {
        return new AliasingMarshaller<>(prototype);
    }

    /** The method with its responses parsed by an aliasing marshaller: for clients receiving records. */
    public static <Q, R> MethodDescriptor<Q, R> aliasingResponses(MethodDescriptor<Q, R> method) {
        return method.toBuilder().setResponseMarshaller(aliasing(method.getResponseMarshaller())).build();
    }

    /** The service with every method's requests parsed by an aliasing marshaller: for services receiving records. */
    public static ServerServiceDefinition aliasingRequests(ServerServiceDefinition service) {
        return ServiceDefinitions.mapMethods(service, AliasingMarshaller::withAliasingRequests);
    }

    private static <Q, R> ServerMethodDefinition<Q, R> withAliasingRequests(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
        return ServerMethodDefinition.create(
                descriptor.toBuilder().setRequestMarshaller(aliasing(descriptor.getRequestMarshaller())).build(),
                method.getServerCallHandler());
    }

    @SuppressWarnings("unchecked")
    private static <T> MethodDescriptor.Marshaller<T> aliasing(MethodDescriptor.Marshaller<T> marshaller) {
        if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<T> proto
                && proto.getMessagePrototype() instanceof Message prototype) {
            return (MethodDescriptor.Marshaller<T>) of(prototype);
        }
        throw new IllegalArgumentException("not a protobuf marshaller: " + marshaller);
    }

    @Override
    public T getMessagePrototype() {
        return prototype;
    }

    @Override
    public Class<T> getMessageClass() {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) prototype.getClass();
        return type;
    }

    @Override
    public InputStream stream(T value) {
        return standard.stream(value);
    }

    @Override
    public T parse(InputStream stream) {
        try {
            // wrapped as immutable (nothing else holds the array): protobuf aliases only immutable buffers
            CodedInputStream input = UnsafeByteOperations.unsafeWrap(readFully(stream)).newCodedInput();
            input.enableAliasing(true);
            input.setSizeLimit(Integer.MAX_VALUE); // gRPC's maximum inbound message size bounds it already
            T message = parser.parseFrom(input);
            input.checkLastTagWas(0);
            return message;
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("invalid protobuf byte sequence for " + prototype.getClass()
                    .getSimpleName() + ": " + e.getMessage()).withCause(e).asRuntimeException();
        }
    }

    /** The message's bytes in an array of its own, exactly sized when gRPC knows the length (it does for frames). */
    private static byte[] readFully(InputStream stream) throws IOException {
        if (!(stream instanceof KnownLength)) {
            return stream.readAllBytes();
        }
        byte[] bytes = new byte[stream.available()];
        int read = stream.readNBytes(bytes, 0, bytes.length);
        if (read != bytes.length) {
            throw new InvalidProtocolBufferException("message ended after " + read + " of " + bytes.length
                    + " bytes");
        }
        return bytes;
    }
}
