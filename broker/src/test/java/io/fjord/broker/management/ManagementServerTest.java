package io.fjord.broker.management;

import io.fjord.quorum.driver.LoopbackTransport;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.log.FileQuorumStateStore;
import io.fjord.quorum.log.PartitionRaftLog;
import io.fjord.quorum.raft.RaftConfig;
import io.fjord.quorum.raft.RaftNode;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The management listener over real HTTP: {@code /quorum} shows the node's quorum view, {@code /health} is up. */
class ManagementServerTest {
    @TempDir
    Path tmp;

    @Test
    void servesTheQuorumViewAndHealth() throws Exception {
        PartitionLog log = PartitionLog.open(tmp.resolve("__cluster_metadata-0"), LogConfig.defaults()
                .withOverrides(Map.of("retention.ms", "-1", "retention.bytes", "-1")), Clock.SYSTEM);
        RaftNode node = new RaftNode(1, new UUID(0, 1), Map.of(1, new UUID(0, 1)), new PartitionRaftLog(log),
                new FileQuorumStateStore(tmp), new Random(1), new RaftConfig(100, 200, 100, 500, 1 << 20),
                Clock.MONOTONIC.nowMs());
        QuorumDriver driver = new QuorumDriver(node, new LoopbackTransport(), Clock.MONOTONIC);
        try (ManagementServer management = new ManagementServer("127.0.0.1", 0, driver, NodeView.CONTROLLER_ONLY,
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))) {
            HttpClient http = HttpClient.newHttpClient();
            URI quorum = URI.create("http://127.0.0.1:" + management.port() + "/quorum");
            await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(quorum).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("\"state\":\"Leader\""));
            HttpResponse<String> view = http.send(HttpRequest.newBuilder(quorum).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, view.statusCode());
            assertTrue(view.body().contains("\"leaderId\":1") && view.body().contains("\"replicaLag\":{\"1\":0}"),
                    view.body());
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + management.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
            HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + management.port() + "/env")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, other.statusCode(), "only the endpoints Fjord exposes are served");
        } finally {
            driver.close();
            log.close();
        }
    }
}
