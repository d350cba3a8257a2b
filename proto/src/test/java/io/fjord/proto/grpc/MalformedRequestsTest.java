package io.fjord.proto.grpc;

import io.fjord.proto.v1.PartitionProduceData;
import io.fjord.proto.v1.ProduceRequest;
import io.fjord.proto.v1.ProduceServiceGrpc;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The wrapped handler driven as gRPC's server drives it, with the events the service and the call see recorded. */
class MalformedRequestsTest {
    private final List<String> events = new ArrayList<>();

    /** A call that records what is done to it; throws as gRPC's does when closed twice. */
    private final class RecordingCall extends ServerCall<Object, Object> {
        private final MethodDescriptor<Object, Object> method;
        private boolean closed;

        @SuppressWarnings("unchecked")
        RecordingCall(ServerMethodDefinition<?, ?> definition) {
            this.method = (MethodDescriptor<Object, Object>) definition.getMethodDescriptor();
        }

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(Object message) {
            events.add("sent " + message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (closed) {
                throw new IllegalStateException("call already closed");
            }
            closed = true;
            events.add("closed " + status.getCode() + " " + status.getDescription());
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }

        @Override
        public MethodDescriptor<Object, Object> getMethodDescriptor() {
            return method;
        }
    }

    /** The produce method served by a service that records the events it gets; it may close the call on a message. */
    private ServerMethodDefinition<?, ?> produceMethod(boolean serviceClosesOnMessage) {
        ServerCallHandler<ProduceRequest, Object> service = (call, headers) -> new ServerCall.Listener<>() {
            @Override
            public void onMessage(ProduceRequest message) {
                events.add("service got acks=" + message.getAcks());
                if (serviceClosesOnMessage) {
                    call.close(Status.INVALID_ARGUMENT.withDescription("refused by the service"), new Metadata());
                }
            }

            @Override
            public void onHalfClose() {
                events.add("service half-close");
            }

            @Override
            public void onCancel() {
                events.add("service cancel");
            }

            @Override
            public void onComplete() {
                events.add("service complete");
            }
        };
        @SuppressWarnings("unchecked")
        MethodDescriptor<ProduceRequest, Object> method = (MethodDescriptor<ProduceRequest, Object>)
                (MethodDescriptor<ProduceRequest, ?>) ProduceServiceGrpc.getProduceMethod();
        ServerServiceDefinition definition = ServerServiceDefinition.builder(ProduceServiceGrpc.SERVICE_NAME)
                .addMethod(method, service).build();
        return MalformedRequests.answered(definition).getMethod(method.getFullMethodName());
    }

    @SuppressWarnings("unchecked")
    private static ServerCall.Listener<Object> start(ServerMethodDefinition<?, ?> definition, RecordingCall call) {
        return ((ServerCallHandler<Object, Object>) definition.getServerCallHandler()).startCall(call, new Metadata());
    }

    private static Object parse(ServerMethodDefinition<?, ?> definition, byte[] bytes) {
        return definition.getMethodDescriptor().getRequestMarshaller().parse(new ByteArrayInputStream(bytes));
    }

    @Test
    void aWellFormedRequestReachesTheServiceUnchanged() {
        ServerMethodDefinition<?, ?> method = produceMethod(false);
        ServerCall.Listener<Object> listener = start(method, new RecordingCall(method));
        listener.onMessage(parse(method, ProduceRequest.newBuilder().setAcks(-1).addPartitions(
                PartitionProduceData.newBuilder().setTopic("orders")).build().toByteArray()));
        listener.onHalfClose();
        listener.onComplete();
        assertEquals(List.of("service got acks=-1", "service half-close", "service complete"), events);
        assertSame(ProduceServiceGrpc.getProduceMethod().getRequestMarshaller(),
                MalformedRequests.requestParser(method.getMethodDescriptor()));
    }

    @Test
    void aMalformedRequestCancelsTheServiceBeforeTheCallIsAnsweredAndNothingFollows() {
        ServerMethodDefinition<?, ?> method = produceMethod(false);
        ServerCall.Listener<Object> listener = start(method, new RecordingCall(method));
        listener.onMessage(parse(method, new byte[] {(byte) 0xff, (byte) 0xff}));
        listener.onMessage(parse(method, ProduceRequest.newBuilder().setAcks(1).build().toByteArray()));
        listener.onHalfClose();
        listener.onReady();
        listener.onComplete(); // what gRPC reports after the server closed the call
        assertEquals(2, events.size(), events.toString());
        assertEquals("service cancel", events.get(0));
        assertEquals("closed INVALID_ARGUMENT malformed fjord.v1.ProduceRequest: Invalid protobuf byte sequence: "
                + "While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This"
                + " could mean either that the input has been truncated or that an embedded message misreported"
                + " its own length.", events.get(1));
        @SuppressWarnings("unchecked")
        MethodDescriptor<Object, ?> served = (MethodDescriptor<Object, ?>) method.getMethodDescriptor();
        Object malformed = parse(method, new byte[] {(byte) 0xff});
        assertThrows(IllegalArgumentException.class, () -> served.streamRequest(malformed));
    }

    @Test
    void aMalformedRequestAfterTheServiceEndedTheCallIsDropped() {
        ServerMethodDefinition<?, ?> method = produceMethod(true);
        ServerCall.Listener<Object> listener = start(method, new RecordingCall(method));
        listener.onMessage(parse(method, ProduceRequest.newBuilder().setAcks(1).build().toByteArray()));
        listener.onMessage(parse(method, new byte[] {0, 1}));
        assertEquals(List.of("service got acks=1", "closed INVALID_ARGUMENT refused by the service",
                "service cancel"), events);
    }
}
