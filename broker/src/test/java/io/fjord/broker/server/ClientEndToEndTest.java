package io.fjord.broker.server;

import com.google.protobuf.ByteString;
import io.fjord.broker.api.RawBytes;
import io.fjord.client.ConsumerRecord;
import io.fjord.client.ConsumerRecords;
import io.fjord.client.FjordAdmin;
import io.fjord.client.FjordConsumer;
import io.fjord.client.FjordException;
import io.fjord.client.FjordProducer;
import io.fjord.client.NewTopic;
import io.fjord.client.OffsetAndTimestamp;
import io.fjord.client.ProducerRecord;
import io.fjord.client.RecordMetadata;
import io.fjord.client.TopicDescription;
import io.fjord.client.TopicPartition;
import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.RecordBatchBuilder;
import io.fjord.proto.v1.AdminServiceGrpc;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.MetadataServiceGrpc;
import io.fjord.proto.v1.PartitionProduceData;
import io.fjord.proto.v1.PartitionProduceResponse;
import io.fjord.proto.v1.ProduceRequest;
import io.fjord.proto.v1.ProduceServiceGrpc;
import io.fjord.quorum.config.VoterSet;
import io.fjord.storage.manager.Formatter;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java client against a real combined node in this JVM over loopback gRPC: topics through Admin, records through
 * the producer (acks 0, 1, all) and the consumer (seek, offsets by time), bad input refused with a clear error while
 * the node keeps serving, and data kept across a restart.
 */
class ClientEndToEndTest {
    @TempDir
    Path dir;
    private FjordNode node;
    private int controllerPort;
    private String bootstrap;

    @BeforeEach
    void start() throws Exception {
        controllerPort = freePort();
        Formatter.format(dir, "e2eClusterIdAAAAAAAAAA", 1, "AAAAAAAAAAAAAAAAAAAAAQ");
        VoterSet.parse("1@127.0.0.1:" + controllerPort + ":AAAAAAAAAAAAAAAAAAAAAQ").write(dir);
        startNode();
    }

    private void startNode() throws InterruptedException {
        Properties p = new Properties();
        p.setProperty("node.id", "1");
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("log.dirs", dir.toString());
        p.setProperty("listeners", "CLIENT://127.0.0.1:0");
        p.setProperty("management.port", "-1");
        p.setProperty("controller.quorum.election.timeout.ms", "100");
        p.setProperty("broker.heartbeat.interval.ms", "200");
        node = new FjordNode(ServerConfig.from(p));
        assertTrue(node.awaitBrokerReady(30_000), "the broker serves");
        bootstrap = "127.0.0.1:" + node.clientPort();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private Map<String, Object> client(Object... extra) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of("bootstrap.servers", bootstrap));
        for (int i = 0; i < extra.length; i += 2) {
            config.put((String) extra[i], extra[i + 1]);
        }
        return config;
    }

    private List<ConsumerRecord> readAll(TopicPartition tp, long from, int count) {
        List<ConsumerRecord> out = new ArrayList<>();
        try (FjordConsumer consumer = new FjordConsumer(client())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (out.size() < count && System.nanoTime() < deadline) {
                ConsumerRecords records = consumer.poll(Duration.ofMillis(500));
                records.forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void producesAndConsumesWithEveryAcksSettingAndKeepsDataAcrossARestart() throws Exception {
        try (FjordAdmin admin = new FjordAdmin(client())) {
            admin.createTopics(List.of(new NewTopic("orders", 3, 1, Map.of("retention.ms", "86400000"))));
            assertTrue(admin.describeBrokerConfigs(1).stream().anyMatch(e -> e.name().equals("num.partitions")
                    && e.value().equals("1")), "the broker's static configuration is described");
            TopicDescription orders = admin.describeTopics(List.of("orders")).get(0);
            assertEquals(3, orders.partitions().size());
            assertTrue(admin.listTopics().stream().anyMatch(t -> t.name().equals("orders")));
        }
        TopicPartition p0 = new TopicPartition("orders", 0);
        long before = System.currentTimeMillis();
        for (String acks : List.of("0", "1", "all")) {
            try (FjordProducer producer = new FjordProducer(client("acks", acks, "linger.ms", 1))) {
                List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    sent.add(producer.send(new ProducerRecord("orders", 0, ("k" + i).getBytes(StandardCharsets.UTF_8),
                            (acks + "-" + i).getBytes(StandardCharsets.UTF_8))));
                }
                producer.flush();
                for (var f : sent) {
                    RecordMetadata m = f.get(10, TimeUnit.SECONDS);
                    assertEquals(p0, new TopicPartition(m.topic(), m.partition()));
                }
            }
        }
        List<ConsumerRecord> all = readAll(p0, 0, 300);
        assertEquals(300, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i).offset(), "dense offsets from 0");
        }
        assertEquals("0-0", all.get(0).valueAsString());
        assertEquals("all-99", all.get(299).valueAsString());

        try (FjordConsumer consumer = new FjordConsumer(client())) {
            Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(Map.of(p0, before));
            assertEquals(0, byTime.get(p0).offset(), "the first record at or after the time");
            assertEquals(300L, consumer.endOffsets(List.of(p0)).get(p0));
        }

        node.close();
        node = null;
        startNode();
        List<ConsumerRecord> again = readAll(p0, 250, 50);
        assertEquals(50, again.size());
        assertEquals(250, again.get(0).offset());
        assertEquals("all-50", again.get(0).valueAsString(), "offsets 200-299 hold all-0 to all-99");
    }

    @Test
    void badInputGetsAClearErrorAndTheNodeKeepsServing() throws Exception {
        try (FjordAdmin admin = new FjordAdmin(client())) {
            FjordException invalid = assertThrows(FjordException.class,
                    () -> admin.createTopics(List.of(new NewTopic("bad/name", 1, 1, Map.of()))));
            assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, invalid.errorCode(), invalid.getMessage());
            FjordException factor = assertThrows(FjordException.class,
                    () -> admin.createTopics(List.of(new NewTopic("wide", 1, 3, Map.of()))));
            assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, factor.errorCode(), factor.getMessage());
            admin.createTopics(List.of(new NewTopic("small", 1, 1, Map.of("max.message.bytes", "1000")),
                    new NewTopic("strict", 1, 1, Map.of("min.insync.replicas", "2"))));
        }
        try (FjordProducer producer = new FjordProducer(client("retries", 0))) {
            ExecutionException tooLarge = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord("small", null, new byte[5000])).get(10, TimeUnit.SECONDS));
            FjordException cause = (FjordException) tooLarge.getCause();
            assertEquals(ErrorCode.RECORD_TOO_LARGE, cause.errorCode(), cause.getMessage());
            assertTrue(cause.getMessage().contains("1000"), "names the limit: " + cause.getMessage());
        }
        // no retries: the broker's answer itself (a retried one, timed out on a slow machine, would end in a timeout)
        try (FjordProducer producer = new FjordProducer(client("acks", "all", "retries", 0, "linger.ms", 0))) {
            ExecutionException notEnough = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord("strict", null, new byte[10])).get(30, TimeUnit.SECONDS));
            assertTrue(notEnough.getCause().getMessage().contains("NOT_ENOUGH_REPLICAS"),
                    notEnough.getCause().getMessage());
        }

        ManagedChannel channel = NettyChannelBuilder.forTarget(bootstrap).usePlaintext().build();
        try {
            ByteBuffer batch = new RecordBatchBuilder(CompressionType.NONE)
                    .append(1, null, "x".getBytes(StandardCharsets.UTF_8)).build();
            byte[] corrupt = new byte[batch.remaining()];
            batch.get(corrupt);
            corrupt[corrupt.length - 1] ^= 0x5A; // the CRC no longer matches
            PartitionProduceResponse refused = ProduceServiceGrpc.newBlockingStub(channel).produce(ProduceRequest
                    .newBuilder().setAcks(1).addPartitions(PartitionProduceData.newBuilder().setTopic("small")
                            .setRecordBatches(ByteString.copyFrom(corrupt))).build()).getPartitions(0);
            assertEquals(ErrorCode.CORRUPT_MESSAGE, refused.getErrorCode(), refused.getErrorMessage());
            assertTrue(refused.getErrorMessage().toLowerCase().contains("crc"), refused.getErrorMessage());
            // bytes that are not a request at all: a field tag with no field number
            Map<MethodDescriptor<?, ?>, String> requests = Map.of(
                    AdminServiceGrpc.getCreateTopicsMethod(), "fjord.v1.CreateTopicsRequest",
                    MetadataServiceGrpc.getGetMetadataMethod(), "fjord.v1.MetadataRequest",
                    ProduceServiceGrpc.getProduceMethod(), "fjord.v1.ProduceRequest");
            requests.forEach((method, message) -> {
                StatusRuntimeException malformed = assertThrows(StatusRuntimeException.class, () -> ClientCalls
                        .blockingUnaryCall(channel, RawBytes.of(method), CallOptions.DEFAULT, new byte[] {0, 1}));
                assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode(), malformed.toString());
                String description = malformed.getStatus().getDescription();
                assertTrue(description.startsWith("malformed " + message + ": "), description);
            });
            HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                    .check(HealthCheckRequest.getDefaultInstance());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
        } finally {
            channel.shutdownNow();
        }

        try (FjordProducer producer = new FjordProducer(client())) {
            RecordMetadata ok = producer.send(new ProducerRecord("small", null, new byte[10]))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(0, ok.offset(), "nothing of the refused appends was written; the node still serves");
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
