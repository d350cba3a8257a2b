package io.fjord.client;

import io.fjord.client.testing.FakeBroker;
import io.fjord.proto.v1.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The admin client's translation of answers and errors, against a scripted test double (not the real broker). */
class AdminAgainstFakeBrokerTest {
    private FakeBroker broker;
    private FjordAdmin admin;

    @BeforeEach
    void start() throws Exception {
        broker = new FakeBroker();
        admin = new FjordAdmin(Map.of("bootstrap.servers", broker.address()));
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void topicsLifecycle() {
        assertEquals(Map.of("a", "id-a"), admin.createTopics(List.of(new NewTopic("a", 3, 1,
                Map.of("retention.ms", "60000")))));
        TopicDescription a = admin.describeTopics(List.of("a")).get(0);
        assertEquals(3, a.partitions().size());
        assertEquals(1, a.replicationFactor());
        assertEquals(1, a.partitions().get(2).leader().id());
        assertEquals(Map.of("retention.ms", "60000"), a.configs());
        assertEquals(List.of(new TopicListing("a", "id-a", 3, 1)), admin.listTopics());

        admin.createPartitions("a", 5);
        assertEquals(5, admin.describeTopics(List.of()).get(0).partitions().size());

        admin.alterTopicConfigs("a", Map.of("cleanup.policy", "compact"), List.of("retention.ms"));
        List<ConfigEntry> entries = admin.describeTopicConfigs("a");
        assertEquals(List.of(new ConfigEntry("segment.bytes", "1073741824", "DEFAULT", false),
                new ConfigEntry("cleanup.policy", "compact", "TOPIC", false)), entries);

        admin.deleteTopics(List.of("a"));
        assertEquals(List.of(), admin.listTopics());
    }

    @Test
    void refusalsCarryTheErrorCodeAndTheBrokersMessage() {
        admin.createTopics(List.of(new NewTopic("a", 1, 1)));
        FjordException exists = assertThrows(FjordException.class,
                () -> admin.createTopics(List.of(new NewTopic("a", 1, 1))));
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, exists.errorCode());
        assertEquals("TOPIC_ALREADY_EXISTS: Topic 'a' already exists. (create topic a)", exists.getMessage());
        assertFalse(exists.isRetriable());

        FjordException shrink = assertThrows(FjordException.class, () -> admin.createPartitions("a", 1));
        assertEquals(ErrorCode.INVALID_PARTITIONS, shrink.errorCode());

        FjordException bad = assertThrows(FjordException.class,
                () -> admin.alterTopicConfigs("a", Map.of("retention.ms", "soon"), List.of()));
        assertEquals(ErrorCode.INVALID_CONFIG, bad.errorCode());
        assertEquals("INVALID_CONFIG: retention.ms must be a number (topic a)", bad.getMessage());

        FjordException missing = assertThrows(FjordException.class, () -> admin.describeTopics(List.of("nope")));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, missing.errorCode());
        assertEquals(true, missing.isRetriable());
    }

    @Test
    void describeCluster() {
        ClusterDescription cluster = admin.describeCluster();
        assertEquals("fake-cluster", cluster.clusterId());
        assertEquals(1, cluster.controllerId());
        assertEquals(List.of(new Node(1, "127.0.0.1", broker.port(), null)), cluster.brokers());
    }

    @Test
    void anUnreachableBootstrapIsReportedAsSuch() {
        String address = broker.address();
        broker.close();
        BrokerUnreachableException e = assertThrows(BrokerUnreachableException.class, admin::listTopics);
        assertEquals(address, e.address());
    }
}
