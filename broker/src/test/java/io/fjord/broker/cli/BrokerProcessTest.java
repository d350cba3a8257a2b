package io.fjord.broker.cli;

import io.fjord.proto.internal.v1.ControllerErrorCode;
import io.fjord.proto.internal.v1.ControllerGrpc;
import io.fjord.proto.internal.v1.CreatableTopic;
import io.fjord.proto.internal.v1.CreateTopicsRequest;
import io.fjord.proto.internal.v1.DescribeMetadataRequest;
import io.fjord.proto.internal.v1.DescribeMetadataResponse;
import io.fjord.proto.internal.v1.TopicResult;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.MetadataSnapshot;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three controllers and three brokers as separate {@code fjord server} processes: the brokers follow the metadata
 * log as observers, register and are unfenced; a topic's leaders are spread over them and each broker learns its
 * leaderships; a broker killed with SIGKILL is fenced after the session timeout and its leaderships move; restarted,
 * it registers again and is unfenced.
 */
class BrokerProcessTest {
    private static final Map<String, String> CONFIG = Map.of(
            "controller.quorum.election.timeout.ms", "500",
            "controller.quorum.fetch.timeout.ms", "1000",
            "controller.quorum.request.timeout.ms", "300",
            "broker.session.timeout.ms", "3000",
            "broker.heartbeat.interval.ms", "300",
            "quorum.records.api.enable", "false");

    @TempDir
    Path tmp;

    private static MetadataImage metadata(LocalQuorumCluster cluster) {
        int leader = cluster.leader();
        if (leader < 0) {
            return MetadataImage.EMPTY;
        }
        DescribeMetadataResponse r = ControllerGrpc.newBlockingStub(cluster.channel(leader))
                .withDeadlineAfter(5, TimeUnit.SECONDS).describeMetadata(DescribeMetadataRequest.getDefaultInstance());
        return MetadataSnapshot.load(r.getImage().toByteArray(), r.getEndOffset());
    }

    private static boolean allUnfenced(MetadataImage image, Iterable<Integer> brokers) {
        for (int b : brokers) {
            if (!image.isUnfenced(b)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void brokersRegisterAreFencedWhenKilledAndReturnAfterARestart() throws Exception {
        try (LocalQuorumCluster cluster = new LocalQuorumCluster(tmp, 3, 3, CONFIG)) {
            cluster.ids().forEach(cluster::start);
            cluster.brokerIds().forEach(cluster::start);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> allUnfenced(metadata(cluster), cluster.brokerIds()));
            TopicResult created = await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(
                    StatusRuntimeException.class).until(() -> ControllerGrpc.newBlockingStub(cluster.channel(
                            cluster.leader())).withDeadlineAfter(5, TimeUnit.SECONDS).createTopics(CreateTopicsRequest
                            .newBuilder().addTopics(CreatableTopic.newBuilder().setName("orders").setPartitions(6)
                                    .setReplicationFactor(3)).build()).getResults(0),
                    r -> r.getError().getCode() == ControllerErrorCode.CONTROLLER_ERROR_NONE);
            assertEquals("orders", created.getName());
            MetadataImage withTopic = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> metadata(cluster), image -> image.topic("orders") != null);
            for (int b : cluster.brokerIds()) {
                long leads = withTopic.topic("orders").partitions().values().stream().filter(p -> p.leader() == b)
                        .count();
                assertEquals(2, leads, "6 leaders spread evenly over 3 brokers: broker " + b);
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(cluster.outputFile(b))
                        .contains("orders-") && Files.readString(cluster.outputFile(b)).contains(": leader in leader"
                        + " epoch 0"));
            }

            int victim = cluster.brokerIds().get(1);
            long epochBefore = withTopic.brokers().get(victim).epoch();
            cluster.kill(victim);
            MetadataImage fenced = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> metadata(cluster), image -> !image.isUnfenced(victim));
            for (PartitionRegistration p : fenced.topic("orders").partitions().values()) {
                assertTrue(p.leader() != victim && p.leader() > 0 && !p.isr().contains(victim), p.toString());
            }

            cluster.start(victim);
            MetadataImage back = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> metadata(cluster), image -> image.isUnfenced(victim));
            BrokerRegistration registration = back.brokers().get(victim);
            assertTrue(registration.epoch() > epochBefore, "a new registration: " + registration);
        }
    }
}
