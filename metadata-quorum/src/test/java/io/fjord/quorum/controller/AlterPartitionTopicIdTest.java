package io.fjord.quorum.controller;

import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Found by the controller simulation: a topic deleted and created again under the same name starts its partitions at
 * leader epoch and partition epoch 0, often with the same leader, so epochs alone accepted a late AlterPartition about
 * the deleted topic for the new one. The topic id fences it.
 */
class AlterPartitionTopicIdTest {
    private static final List<BrokerRegistration.Endpoint> ENDPOINTS = List.of(
            new BrokerRegistration.Endpoint("PLAINTEXT", "localhost", 9092));

    @Test
    void aRequestAboutADeletedTopicIsRefusedByTheTopicThatReplacedIt() {
        Random random = new Random(1);
        BrokerControl brokers = new BrokerControl(ControllerConfig.defaults(), new BrokerHeartbeats());
        MetadataImage image = MetadataImage.EMPTY;
        for (int id = 1; id <= 2; id++) {
            image = apply(image, brokers.register(image, id, new UUID(0, id), ENDPOINTS, null, 0));
            image = apply(image, new BrokerControl(ControllerConfig.defaults(), caughtUp(id)).heartbeat(image, id,
                    image.brokers().get(id).epoch(), image.endOffset(), false, 0));
        }
        var first = TopicControl.createTopic(image, "orders", 1, 2, Map.of(), random);
        image = apply(image, first);
        UUID deletedId = first.response().topicId();
        image = apply(image, TopicControl.deleteTopic(image, "orders"));
        var second = TopicControl.createTopic(image, "orders", 1, 2, Map.of(), random);
        image = apply(image, second);
        PartitionRegistration p = image.topic("orders").partitions().get(0);
        assertEquals(0, p.partitionEpoch(), "the new topic's epochs start again: " + p);
        long brokerEpoch = image.brokers().get(p.leader()).epoch();

        var stale = PartitionControl.alterPartition(image, p.leader(), brokerEpoch, deletedId, "orders", 0,
                p.leaderEpoch(), p.partitionEpoch(), List.of(p.leader()));
        assertEquals(ApiError.Code.UNKNOWN_TOPIC_ID, stale.response().code(), stale.toString());
        assertTrue(stale.records().isEmpty());

        var current = PartitionControl.alterPartition(image, p.leader(), brokerEpoch, second.response().topicId(),
                "orders", 0, p.leaderEpoch(), p.partitionEpoch(), List.of(p.leader()));
        assertTrue(current.response().isSuccess(), current.toString());
        assertEquals(1, current.records().size());
    }

    private static BrokerHeartbeats caughtUp(int brokerId) {
        BrokerHeartbeats heartbeats = new BrokerHeartbeats();
        heartbeats.requireCaughtUpTo(brokerId, 0);
        return heartbeats;
    }

    private static MetadataImage apply(MetadataImage image, ControllerResult<?> result) {
        return image.apply(result.records(), image.endOffset() + 1);
    }
}
