package io.fjord.broker.api;

import com.google.protobuf.ByteString;
import io.fjord.broker.replica.ReplicaConfig;
import io.fjord.broker.replica.ReplicaManager;
import io.fjord.broker.replica.TestMetadata;
import io.fjord.proto.grpc.AliasingMarshaller;
import io.fjord.proto.grpc.MalformedRequests;
import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.RecordBatch;
import io.fjord.proto.record.RecordBatchBuilder;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.FetchPartition;
import io.fjord.proto.v1.FetchPartitionResponse;
import io.fjord.proto.v1.FetchRequest;
import io.fjord.proto.v1.FetchResponse;
import io.fjord.proto.v1.FetchServiceGrpc;
import io.fjord.proto.v1.ListOffsetsPartition;
import io.fjord.proto.v1.ListOffsetsPartitionResponse;
import io.fjord.proto.v1.ListOffsetsRequest;
import io.fjord.proto.v1.OffsetSpec;
import io.fjord.proto.v1.PartitionProduceData;
import io.fjord.proto.v1.PartitionProduceResponse;
import io.fjord.proto.v1.ProduceRequest;
import io.fjord.proto.v1.ProduceServiceGrpc;
import io.fjord.proto.v1.Record;
import io.fjord.proto.v1.SubscribeRequest;
import io.fjord.proto.v1.SubscribeStart;
import io.fjord.storage.time.Clock;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client API over real gRPC on loopback, against a ReplicaManager on real files. */
class ClientApiTest {
    static final int BROKER = 1;
    static final UUID ORDERS = new UUID(1, 1);
    static final UUID GUARDED = new UUID(2, 2);
    static final UUID ELSEWHERE = new UUID(3, 3);
    static final UUID SMALL = new UUID(4, 4);
    static final int MAX_REQUEST_BYTES = 1024 * 1024;

    @TempDir
    Path tmp;
    private ReplicaManager replicaManager;
    private TestMetadata metadata;
    private Server server;
    private ManagedChannel channel;
    private ProduceServiceGrpc.ProduceServiceBlockingStub produce;
    private FetchServiceGrpc.FetchServiceBlockingStub fetch;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        replicaManager = new ReplicaManager(BROKER, List.of(tmp), ReplicaConfig.defaults(), Clock.SYSTEM);
        metadata = new TestMetadata(replicaManager, BROKER)
                .createTopic("orders", ORDERS, 2, List.of(1), List.of(1))
                .createTopic("guarded", GUARDED, 1, List.of(1, 2), List.of(1))
                .createTopic("elsewhere", ELSEWHERE, 1, List.of(2, 1), List.of(2, 1))
                .createTopic("small", SMALL, 1, List.of(1), List.of(1));
        metadata.apply(TestMetadata.config("guarded", "min.insync.replicas", "2"),
                TestMetadata.config("small", "max.message.bytes", "200"));
        server = ClientApi.addTo(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), replicaManager,
                registry, MAX_REQUEST_BYTES).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
        produce = ProduceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        fetch = FetchServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        replicaManager.close();
    }

    static ByteString batch(long timestampMs, String... values) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE);
        for (String v : values) {
            b.append(timestampMs, null, v.getBytes(StandardCharsets.UTF_8));
        }
        return ByteString.copyFrom(b.build());
    }

    static Record record(long timestampMs, String value) {
        return Record.newBuilder().setTimestampMs(timestampMs).setValue(ByteString.copyFromUtf8(value)).build();
    }

    PartitionProduceResponse produceBatch(String topic, int partition, int acks, ByteString batches) {
        return produce.produce(ProduceRequest.newBuilder().setAcks(acks).addPartitions(PartitionProduceData
                .newBuilder().setTopic(topic).setPartition(partition).setRecordBatches(batches)).build())
                .getPartitions(0);
    }

    PartitionProduceResponse produceRecords(String topic, int partition, int acks, Record... records) {
        return produce.produce(ProduceRequest.newBuilder().setAcks(acks).addPartitions(PartitionProduceData
                .newBuilder().setTopic(topic).setPartition(partition).addAllRecords(List.of(records))).build())
                .getPartitions(0);
    }

    static FetchPartition.Builder at(String topic, int partition, long offset) {
        return FetchPartition.newBuilder().setTopic(topic).setPartition(partition).setFetchOffset(offset);
    }

    FetchPartitionResponse fetchOne(FetchPartition.Builder p, boolean decode) {
        return fetch.fetch(FetchRequest.newBuilder().addPartitions(p).setDecodeRecords(decode).build())
                .getPartitions(0);
    }

    static List<String> values(FetchPartitionResponse r) {
        List<String> out = new ArrayList<>();
        r.getRecordsList().forEach(rec -> out.add(rec.getValue().toStringUtf8()));
        return out;
    }

    @Test
    void producesWithEveryAcksOnBothPathsAndFetchesBack() {
        long now = System.currentTimeMillis(); // segments roll on record time (segment.ms): keep these close
        PartitionProduceResponse one = produceBatch("orders", 0, 1, batch(now, "a", "b"));
        assertEquals(ErrorCode.NONE, one.getErrorCode(), one.getErrorMessage());
        assertEquals(0, one.getBaseOffset());
        PartitionProduceResponse all = produceRecords("orders", 0, -1, record(0, "c"), record(now + 5000, "d"));
        assertEquals(ErrorCode.NONE, all.getErrorCode(), all.getErrorMessage());
        assertEquals(2, all.getBaseOffset());
        assertEquals(ErrorCode.NONE, produceBatch("orders", 0, 0, batch(now, "e")).getErrorCode());

        FetchPartitionResponse raw = fetchOne(at("orders", 0, 0), false);
        assertEquals(5, raw.getHighWatermark());
        assertEquals(5, raw.getNextFetchOffset());
        ByteBuffer bytes = raw.getRecordBatches().asReadOnlyByteBuffer();
        RecordBatch first = new RecordBatch(bytes, 0);
        assertEquals(0, first.baseOffset());
        assertEquals(0, first.partitionLeaderEpoch());
        assertEquals(2, first.recordCount());

        FetchPartitionResponse decoded = fetchOne(at("orders", 0, 1), true);
        assertEquals(List.of("b", "c", "d", "e"), values(decoded), "only records at or after the fetch offset");
        assertEquals(1, decoded.getRecords(0).getOffset());
        assertTrue(decoded.getRecords(1).getTimestampMs() > 1_600_000_000_000L, "timestamp 0 means now");
        assertEquals(now + 5000, decoded.getRecords(2).getTimestampMs());
        assertTrue(decoded.getRecordBatches().isEmpty());

        FetchPartitionResponse empty = fetchOne(at("orders", 0, 5), false);
        assertEquals(ErrorCode.NONE, empty.getErrorCode());
        assertTrue(empty.getRecordBatches().isEmpty());
        assertEquals(5, empty.getNextFetchOffset());

        assertTrue(registry.get("fjord.requests").tag("api", "Produce").timer().count() >= 3);
        assertTrue(registry.get("fjord.requests").tag("api", "Fetch").timer().count() >= 3);
        assertTrue(registry.get("fjord.bytes.in").counter().count() > 0);
        assertTrue(registry.get("fjord.bytes.out").counter().count() > 0);
        assertEquals(5.0, registry.get("fjord.partition.high.watermark").tag("topic", "orders")
                .tag("partition", "0").gauge().value());
    }

    @Test
    void aLongPollCompletesWhenAProduceArrivesAndOtherwiseAtMaxWait() throws Exception {
        long startNs = System.nanoTime();
        FetchResponse timedOut = fetch.fetch(FetchRequest.newBuilder().setMaxWaitMs(200).setMinBytes(1)
                .addPartitions(at("orders", 1, 0)).build());
        assertTrue(System.nanoTime() - startNs >= TimeUnit.MILLISECONDS.toNanos(150), "it waited");
        assertTrue(timedOut.getPartitions(0).getRecordBatches().isEmpty());

        BlockingQueue<FetchResponse> answers = new LinkedBlockingQueue<>();
        FetchServiceGrpc.newStub(channel).fetch(FetchRequest.newBuilder().setMaxWaitMs(20_000).setMinBytes(1)
                .addPartitions(at("orders", 1, 0)).build(), collect(answers));
        assertNull(answers.poll(200, TimeUnit.MILLISECONDS), "nothing to read yet");
        startNs = System.nanoTime();
        produceBatch("orders", 1, 1, batch(1000, "late"));
        FetchResponse answer = answers.poll(10, TimeUnit.SECONDS);
        assertNotNull(answer);
        assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(5), "answered by the produce, not at 20 s");
        assertEquals(1, answer.getPartitions(0).getHighWatermark());
        assertEquals(1, new RecordBatch(answer.getPartitions(0).getRecordBatches().asReadOnlyByteBuffer(), 0)
                .recordCount());
    }

    @Test
    void aSubscriptionPushesDataWithinItsCredit() throws Exception {
        produceBatch("orders", 0, 1, batch(1000, "a"));
        produceBatch("orders", 0, 1, batch(1000, "b"));
        BlockingQueue<FetchResponse> pushed = new LinkedBlockingQueue<>();
        StreamObserver<SubscribeRequest> requests = FetchServiceGrpc.newStub(channel).subscribe(collect(pushed));
        requests.onNext(SubscribeRequest.newBuilder().setStart(SubscribeStart.newBuilder()
                .addPartitions(at("orders", 0, 0).setPartitionMaxBytes(1)).setDecodeRecords(true)
                .setInitialCreditBytes(1)).build());
        FetchResponse first = pushed.poll(10, TimeUnit.SECONDS);
        assertNotNull(first);
        assertEquals(List.of("a"), values(first.getPartitions(0)), "one batch for a credit of one byte");
        assertNull(pushed.poll(300, TimeUnit.MILLISECONDS), "no credit left");

        requests.onNext(SubscribeRequest.newBuilder().setCreditBytes(1 << 20).build());
        FetchResponse second = pushed.poll(10, TimeUnit.SECONDS);
        assertNotNull(second);
        assertEquals(List.of("b"), values(second.getPartitions(0)));

        produceRecords("orders", 0, 1, record(0, "c"));
        FetchResponse third = pushed.poll(10, TimeUnit.SECONDS);
        assertNotNull(third, "data is pushed as it arrives");
        assertEquals(List.of("c"), values(third.getPartitions(0)));
        requests.onCompleted();
    }

    @Test
    void aMalformedMessageOnASubscriptionEndsItWithAClearErrorAndTheBrokerKeepsServing() throws Exception {
        produceBatch("orders", 0, 1, batch(1000, "a"));
        BlockingQueue<byte[]> pushed = new LinkedBlockingQueue<>();
        BlockingQueue<Throwable> ended = new LinkedBlockingQueue<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(RawBytes.of(FetchServiceGrpc.getSubscribeMethod()), CallOptions.DEFAULT), new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] value) {
                        pushed.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        ended.add(new AssertionError("completed without an error"));
                    }
                });
        requests.onNext(SubscribeRequest.newBuilder().setStart(SubscribeStart.newBuilder()
                .addPartitions(at("orders", 0, 0)).setInitialCreditBytes(1 << 20)).build().toByteArray());
        FetchResponse first = FetchResponse.parseFrom(pushed.poll(10, TimeUnit.SECONDS));
        assertEquals(1, first.getPartitions(0).getHighWatermark());

        requests.onNext(new byte[] {(byte) 0xff, (byte) 0xff}); // a field tag cut off in its middle
        Throwable error = ended.poll(10, TimeUnit.SECONDS);
        Status status = Status.fromThrowable(error);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), String.valueOf(error));
        expect(status.getDescription(), "malformed fjord.v1.SubscribeRequest: ");

        produceBatch("orders", 0, 1, batch(1000, "b")); // wakes the ended subscription's watch, if it were still on
        BlockingQueue<FetchResponse> again = new LinkedBlockingQueue<>();
        StreamObserver<SubscribeRequest> next = FetchServiceGrpc.newStub(channel).subscribe(collect(again));
        next.onNext(SubscribeRequest.newBuilder().setStart(SubscribeStart.newBuilder()
                .addPartitions(at("orders", 0, 1)).setDecodeRecords(true).setInitialCreditBytes(1 << 20)).build());
        FetchResponse resumed = again.poll(10, TimeUnit.SECONDS);
        assertNotNull(resumed, "a new subscription is served");
        assertEquals(List.of("b"), values(resumed.getPartitions(0)));
        next.onCompleted();
    }

    @Test
    void listsOffsetsByPositionAndTime() {
        produceRecords("orders", 1, 1, record(1000, "a"), record(2000, "b"), record(3000, "c"));
        assertEquals(0, listOffsets(OffsetSpec.OFFSET_SPEC_EARLIEST, 0).getOffset());
        assertEquals(3, listOffsets(OffsetSpec.OFFSET_SPEC_LATEST, 0).getOffset());
        ListOffsetsPartitionResponse byTime = listOffsets(OffsetSpec.OFFSET_SPEC_TIMESTAMP, 1500);
        assertEquals(1, byTime.getOffset());
        assertEquals(2000, byTime.getTimestampMs());
        assertEquals(-1, listOffsets(OffsetSpec.OFFSET_SPEC_TIMESTAMP, 9000).getOffset());
        assertEquals(ErrorCode.INVALID_REQUEST, listOffsets(OffsetSpec.OFFSET_SPEC_UNSPECIFIED, 0).getErrorCode());
    }

    private ListOffsetsPartitionResponse listOffsets(OffsetSpec spec, long timestampMs) {
        return fetch.listOffsets(ListOffsetsRequest.newBuilder().addPartitions(ListOffsetsPartition.newBuilder()
                .setTopic("orders").setPartition(1).setSpec(spec).setTimestampMs(timestampMs)).build())
                .getPartitions(0);
    }

    @Test
    void everyBadRequestGetsItsErrorAndTheBrokerKeepsServing() {
        ByteString good = batch(1000, "ok");
        byte[] corrupt = good.toByteArray();
        corrupt[corrupt.length - 1] ^= 0x5a; // inside the CRC's range
        byte[] bigValue = new byte[500];

        expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "unknown topic", produceBatch("nope", 0, 1, good));
        expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "no partition 7", produceBatch("orders", 7, 1, good));
        expect(ErrorCode.NOT_LEADER_OR_FOLLOWER, "broker 2 does", produceBatch("elsewhere", 0, 1, good));
        expect(ErrorCode.CORRUPT_MESSAGE, "orders-0", produceBatch("orders", 0, 1, ByteString.copyFrom(corrupt)));
        expect(ErrorCode.RECORD_TOO_LARGE, "max.message.bytes 200", produceBatch("small", 0, 1,
                ByteString.copyFrom(new RecordBatchBuilder(CompressionType.NONE).append(1, null, bigValue).build())));
        expect(ErrorCode.INVALID_REQUIRED_ACKS, "acks=2", produceBatch("orders", 0, 2, good));
        expect(ErrorCode.NOT_ENOUGH_REPLICAS, "min.insync.replicas 2", produceBatch("guarded", 0, -1, good));
        expect(ErrorCode.NONE, "", produceBatch("guarded", 0, 1, good));
        expect(ErrorCode.INVALID_REQUEST, "not both", produce.produce(ProduceRequest.newBuilder().setAcks(1)
                .addPartitions(PartitionProduceData.newBuilder().setTopic("orders").setRecordBatches(good)
                        .addRecords(record(1, "x"))).build()).getPartitions(0));
        expect(ErrorCode.NONE, "", produceBatch("orders", 0, 1, good));

        FetchPartitionResponse outOfRange = fetchOne(at("orders", 0, 42), false);
        expect(outOfRange.getErrorCode(), ErrorCode.OFFSET_OUT_OF_RANGE, outOfRange.getErrorMessage(),
                "valid offsets are 0 to 1");
        metadata.apply(TestMetadata.changeLeader(ORDERS, 0, 2, List.of(1)),
                TestMetadata.changeLeader(ORDERS, 0, 1, List.of(1))); // leader epoch 2
        FetchPartitionResponse fenced = fetchOne(at("orders", 0, 0).setCurrentLeaderEpoch(0), false);
        expect(fenced.getErrorCode(), ErrorCode.FENCED_LEADER_EPOCH, fenced.getErrorMessage(), "older");
        FetchPartitionResponse ahead = fetchOne(at("orders", 0, 0).setCurrentLeaderEpoch(3), false);
        expect(ahead.getErrorCode(), ErrorCode.UNKNOWN_LEADER_EPOCH, ahead.getErrorMessage(), "newer");
        FetchPartitionResponse current = fetchOne(at("orders", 0, 0).setCurrentLeaderEpoch(2), true);
        assertEquals(List.of("ok"), values(current));

        StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class, () -> fetch.fetch(
                FetchRequest.newBuilder().setMaxWaitMs(-1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
        StatusRuntimeException tooBig = assertThrows(StatusRuntimeException.class, () -> produceBatch("orders", 0, 1,
                ByteString.copyFrom(new byte[MAX_REQUEST_BYTES + 1])));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooBig.getStatus().getCode());
        byte[] wire = ProduceRequest.newBuilder().setAcks(1).addPartitions(PartitionProduceData.newBuilder()
                .setTopic("orders").setRecordBatches(good)).build().toByteArray();
        StatusRuntimeException malformed = assertThrows(StatusRuntimeException.class, () -> ClientCalls
                .blockingUnaryCall(channel, RawBytes.of(ProduceServiceGrpc.getProduceMethod()), CallOptions.DEFAULT,
                        Arrays.copyOf(wire, wire.length - 5)));
        assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode(), malformed.toString());
        expect(malformed.getStatus().getDescription(), "malformed fjord.v1.ProduceRequest: invalid protobuf byte"
                + " sequence for ProduceRequest: While parsing a protocol message, the input ended unexpectedly");
        MethodDescriptor<?, ?> produceMethod = server.getServices().stream()
                .map(service -> service.getMethod(ProduceServiceGrpc.getProduceMethod().getFullMethodName()))
                .filter(Objects::nonNull).findFirst().orElseThrow().getMethodDescriptor();
        assertTrue(MalformedRequests.requestParser(produceMethod) instanceof AliasingMarshaller<?>,
                "produce requests are parsed without copying their records");
        expect(ErrorCode.NONE, "", produceBatch("orders", 0, -1, good));
    }

    private static void expect(ErrorCode code, String messagePart, PartitionProduceResponse r) {
        expect(r.getErrorCode(), code, r.getErrorMessage(), messagePart);
        if (code != ErrorCode.NONE) {
            assertEquals(-1, r.getBaseOffset());
        }
    }

    private static void expect(ErrorCode actual, ErrorCode expected, String message, String messagePart) {
        assertEquals(expected, actual, message);
        expect(message, messagePart);
    }

    private static void expect(String message, String messagePart) {
        assertTrue(message.contains(messagePart), "'" + message + "' should contain '" + messagePart + "'");
    }

    static <T> StreamObserver<T> collect(BlockingQueue<T> queue) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                queue.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
