package io.fjord.proto.grpc;

import com.google.protobuf.ByteString;
import io.fjord.proto.v1.FetchRequest;
import io.fjord.proto.v1.FetchResponse;
import io.fjord.proto.v1.FetchServiceGrpc;
import io.fjord.proto.v1.PartitionProduceData;
import io.fjord.proto.v1.ProduceRequest;
import io.fjord.proto.v1.ProduceResponse;
import io.fjord.proto.v1.ProduceServiceGrpc;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AliasingMarshallerTest {
    /** What gRPC hands a marshaller: a stream that knows its length. */
    private static final class FrameStream extends ByteArrayInputStream implements KnownLength {
        FrameStream(byte[] bytes) {
            super(bytes);
        }
    }

    private static ProduceRequest request(byte[] records) {
        return ProduceRequest.newBuilder().setAcks(-1).setClientId("test").addPartitions(PartitionProduceData
                .newBuilder().setTopic("orders").setPartition(3).setRecordBatches(ByteString.copyFrom(records)))
                .build();
    }

    @Test
    void parsesWhatTheStandardMarshallerWritesWithBytesFieldsAsViewsOfTheMessage() throws Exception {
        byte[] records = new byte[10_000];
        Arrays.fill(records, (byte) 7);
        ProduceRequest sent = request(records);
        AliasingMarshaller<ProduceRequest> marshaller = AliasingMarshaller.of(ProduceRequest.getDefaultInstance());
        byte[] wire;
        try (InputStream out = marshaller.stream(sent)) {
            wire = out.readAllBytes();
        }
        ProduceRequest fromFrame = marshaller.parse(new FrameStream(wire));
        ProduceRequest fromPlainStream = marshaller.parse(new ByteArrayInputStream(wire));
        assertEquals(sent, fromFrame);
        assertEquals(sent, fromPlainStream);
        // a view: the records sit at their position inside the whole message's buffer (a copy would start at 0)
        ByteBuffer view = fromFrame.getPartitions(0).getRecordBatches().asReadOnlyByteBuffer();
        assertTrue(view.position() > 0 && view.capacity() == wire.length, view.toString());
        assertSame(ProduceRequest.getDefaultInstance(), marshaller.getMessagePrototype());
        assertEquals(ProduceRequest.class, marshaller.getMessageClass());
    }

    @Test
    void malformedBytesThrowAnInternalStatusNamingTheMessage() {
        AliasingMarshaller<ProduceRequest> marshaller = AliasingMarshaller.of(ProduceRequest.getDefaultInstance());
        byte[] wire = request(new byte[100]).toByteArray();
        byte[] truncated = Arrays.copyOf(wire, wire.length - 10);
        StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
                () -> marshaller.parse(new FrameStream(truncated)));
        assertEquals(Status.Code.INTERNAL, error.getStatus().getCode());
        assertTrue(error.getStatus().getDescription().startsWith("invalid protobuf byte sequence for ProduceRequest"),
                error.getStatus().getDescription());
    }

    @Test
    void rebindsAServiceKeepingItsNamesSchemaAndHandlers() {
        ServerServiceDefinition bound = new ProduceServiceGrpc.ProduceServiceImplBase() {
            @Override
            public void produce(ProduceRequest request, StreamObserver<ProduceResponse> observer) {
            }
        }.bindService();
        ServerServiceDefinition rebound = AliasingMarshaller.aliasingRequests(bound);
        assertEquals(bound.getServiceDescriptor().getName(), rebound.getServiceDescriptor().getName());
        assertSame(bound.getServiceDescriptor().getSchemaDescriptor(),
                rebound.getServiceDescriptor().getSchemaDescriptor(), "server reflection still describes it");
        String produce = ProduceServiceGrpc.getProduceMethod().getFullMethodName();
        assertEquals(bound.getMethods().size(), rebound.getMethods().size());
        assertTrue(rebound.getMethod(produce).getMethodDescriptor().getRequestMarshaller()
                instanceof AliasingMarshaller<?>);
        assertSame(bound.getMethod(produce).getServerCallHandler(), rebound.getMethod(produce).getServerCallHandler());

        MethodDescriptor<FetchRequest, FetchResponse> fetch =
                AliasingMarshaller.aliasingResponses(FetchServiceGrpc.getFetchMethod());
        assertEquals(FetchServiceGrpc.getFetchMethod().getFullMethodName(), fetch.getFullMethodName());
        assertTrue(fetch.getResponseMarshaller() instanceof AliasingMarshaller<?>);
        assertSame(FetchServiceGrpc.getFetchMethod().getRequestMarshaller(), fetch.getRequestMarshaller());
    }
}
