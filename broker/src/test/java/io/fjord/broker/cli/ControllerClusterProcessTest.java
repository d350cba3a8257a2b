package io.fjord.broker.cli;

import io.fjord.proto.internal.v1.BrokerHeartbeatRequest;
import io.fjord.proto.internal.v1.BrokerHeartbeatResponse;
import io.fjord.proto.internal.v1.ControllerErrorCode;
import io.fjord.proto.internal.v1.ControllerGrpc;
import io.fjord.proto.internal.v1.CreatableTopic;
import io.fjord.proto.internal.v1.CreateTopicsRequest;
import io.fjord.proto.internal.v1.DescribeMetadataRequest;
import io.fjord.proto.internal.v1.DescribeMetadataResponse;
import io.fjord.proto.internal.v1.Endpoint;
import io.fjord.proto.internal.v1.RegisterBrokerRequest;
import io.fjord.proto.internal.v1.RegisterBrokerResponse;
import io.fjord.proto.internal.v1.TopicResult;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.MetadataSnapshot;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.quorum.metadata.Uuids;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three controller-only {@code fjord server} processes running the cluster-metadata controller, driven through the
 * Controller gRPC API by three simulated brokers (register, heartbeat): topics are created and validated, a broker
 * that stops heartbeating is fenced and loses its leaderships, the active controller is killed with SIGKILL and the
 * next one holds the same metadata and keeps deciding, and the killed controller catches up after a restart.
 */
class ControllerClusterProcessTest {
    private static final Map<String, String> CONFIG = Map.of(
            "controller.quorum.election.timeout.ms", "500",
            "controller.quorum.fetch.timeout.ms", "1000",
            "controller.quorum.request.timeout.ms", "300",
            "broker.session.timeout.ms", "4000", // generous: a loaded 2-core machine stalls threads
            "metadata.log.max.record.bytes.between.snapshots", "2000",
            "quorum.records.api.enable", "false");

    @TempDir
    Path tmp;

    /** Calls the active controller, following NOT_CONTROLLER answers and skipping unreachable nodes. */
    private static <T> T call(LocalQuorumCluster cluster, Function<ControllerGrpc.ControllerBlockingStub, T> rpc,
                              Function<T, ControllerErrorCode> code) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int target = cluster.ids().get(0);
        while (System.nanoTime() < deadline) {
            try {
                T answer = rpc.apply(ControllerGrpc.newBlockingStub(cluster.channel(target))
                        .withDeadlineAfter(5, TimeUnit.SECONDS));
                if (code.apply(answer) != ControllerErrorCode.CONTROLLER_ERROR_NOT_CONTROLLER) {
                    return answer;
                }
            } catch (StatusRuntimeException e) {
                // down or starting: try another
            }
            target = cluster.ids().get((cluster.ids().indexOf(target) + 1) % cluster.ids().size());
            Thread.sleep(50);
        }
        throw new AssertionError("no active controller answered within 30 s");
    }

    private static MetadataImage metadata(LocalQuorumCluster cluster, int id) {
        DescribeMetadataResponse r = ControllerGrpc.newBlockingStub(cluster.channel(id))
                .withDeadlineAfter(5, TimeUnit.SECONDS).describeMetadata(DescribeMetadataRequest.getDefaultInstance());
        return MetadataSnapshot.load(r.getImage().toByteArray(), r.getEndOffset());
    }

    private static BrokerHeartbeatResponse heartbeat(LocalQuorumCluster cluster, int broker, long epoch)
            throws InterruptedException {
        return call(cluster, stub -> stub.brokerHeartbeat(BrokerHeartbeatRequest.newBuilder().setBrokerId(broker)
                .setBrokerEpoch(epoch).setMetadataOffset(Long.MAX_VALUE).build()), r -> r.getError().getCode());
    }

    @Test
    void brokersAreRegisteredFencedAndReleasedAcrossAControllerKill() throws Exception {
        try (LocalQuorumCluster cluster = new LocalQuorumCluster(tmp, 3, CONFIG)) {
            try {
                scenario(cluster);
            } catch (AssertionError | RuntimeException e) {
                StringBuilder outputs = new StringBuilder();
                cluster.ids().forEach(id -> outputs.append("\n--- node ").append(id).append(":\n")
                        .append(cluster.tail(id, 40)));
                throw new AssertionError(e.getMessage() + "; outputs:" + outputs, e);
            }
        }
    }

    private void scenario(LocalQuorumCluster cluster) throws Exception {
        {
            cluster.ids().forEach(cluster::start);
            Map<Integer, Long> epochs = new TreeMap<>();
            for (int broker = 101; broker <= 103; broker++) {
                int b = broker;
                RegisterBrokerResponse r = call(cluster, stub -> stub.registerBroker(RegisterBrokerRequest.newBuilder()
                        .setBrokerId(b).setIncarnationId(Uuids.toProto(UUID.randomUUID()))
                        .addEndpoints(Endpoint.newBuilder().setListener("CLIENT").setHost("127.0.0.1").setPort(9000 + b))
                        .build()), x -> x.getError().getCode());
                assertEquals(ControllerErrorCode.CONTROLLER_ERROR_NONE, r.getError().getCode(), r.toString());
                epochs.put(b, r.getBrokerEpoch());
            }
            for (int broker = 101; broker <= 103; broker++) {
                int b = broker;
                await().atMost(Duration.ofSeconds(20)).until(() -> !heartbeat(cluster, b, epochs.get(b)).getIsFenced());
            }
            TopicResult tooMany = call(cluster, stub -> stub.createTopics(CreateTopicsRequest.newBuilder().addTopics(
                    CreatableTopic.newBuilder().setName("wide").setPartitions(1).setReplicationFactor(4)).build()),
                    x -> x.getResults(0).getError().getCode()).getResults(0);
            assertEquals(ControllerErrorCode.CONTROLLER_ERROR_INVALID_REPLICATION_FACTOR, tooMany.getError().getCode());
            assertTrue(tooMany.getError().getMessage().contains("replication factor 4 is larger than the number of"
                    + " available brokers 3"), tooMany.getError().getMessage());
            TopicResult created = call(cluster, stub -> stub.createTopics(CreateTopicsRequest.newBuilder().addTopics(
                    CreatableTopic.newBuilder().setName("orders").setPartitions(6).setReplicationFactor(3)).build()),
                    x -> x.getResults(0).getError().getCode()).getResults(0);
            assertEquals(ControllerErrorCode.CONTROLLER_ERROR_NONE, created.getError().getCode(), created.toString());

            // broker 102 goes silent: fenced after the session timeout, its leaderships and ISR places move
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> {
                        heartbeat(cluster, 101, epochs.get(101)); // the others stay alive
                        heartbeat(cluster, 103, epochs.get(103));
                        return !metadata(cluster, cluster.leader()).isUnfenced(102);
                    });
            int active = cluster.awaitLeader(-1, 30_000);
            MetadataImage fenced = metadata(cluster, active);
            for (PartitionRegistration p : fenced.topic("orders").partitions().values()) {
                assertTrue(p.leader() != 102 && p.leader() > 0 && !p.isr().contains(102), p.toString());
            }

            // the active controller is killed: the next one has the same metadata and keeps deciding
            cluster.kill(active);
            int next = cluster.awaitLeader(active, 30_000);
            assertTrue(next > 0, "a new controller is elected");
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                    fenced.topic("orders").equals(metadata(cluster, next).topic("orders")));
            TopicResult duplicate = call(cluster, stub -> stub.createTopics(CreateTopicsRequest.newBuilder().addTopics(
                    CreatableTopic.newBuilder().setName("orders").setPartitions(1).setReplicationFactor(1)).build()),
                    x -> x.getResults(0).getError().getCode()).getResults(0);
            assertEquals(ControllerErrorCode.CONTROLLER_ERROR_TOPIC_ALREADY_EXISTS, duplicate.getError().getCode());

            // broker 102 comes back: unfenced again (back in ISRs once data replication exists)
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                heartbeat(cluster, 101, epochs.get(101));
                heartbeat(cluster, 103, epochs.get(103));
                return !heartbeat(cluster, 102, epochs.get(102)).getIsFenced();
            });
            cluster.start(active);
            int restarted = active;
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                for (int b = 101; b <= 103; b++) {
                    heartbeat(cluster, b, epochs.get(b)); // the brokers stay alive meanwhile
                }
                MetadataImage caughtUp = metadata(cluster, restarted);
                return caughtUp.isUnfenced(102) && caughtUp.topic("orders") != null;
            });
        }
    }
}
