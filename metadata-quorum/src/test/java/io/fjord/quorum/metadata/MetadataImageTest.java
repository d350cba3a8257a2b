package io.fjord.quorum.metadata;

import io.fjord.proto.internal.v1.BrokerIds;
import io.fjord.proto.internal.v1.ConfigRecord;
import io.fjord.proto.internal.v1.Endpoint;
import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.proto.internal.v1.PartitionChangeRecord;
import io.fjord.proto.internal.v1.PartitionRecord;
import io.fjord.proto.internal.v1.ProducerIdsRecord;
import io.fjord.proto.internal.v1.RegisterBrokerRecord;
import io.fjord.proto.internal.v1.RemoveTopicRecord;
import io.fjord.proto.internal.v1.TopicRecord;
import io.fjord.proto.internal.v1.UnfenceBrokerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataImageTest {
    static final UUID ORDERS = new UUID(1, 1);

    static MetadataRecord register(int id, long epoch, String rack) {
        RegisterBrokerRecord.Builder r = RegisterBrokerRecord.newBuilder().setBrokerId(id).setBrokerEpoch(epoch)
                .setIncarnationId(Uuids.toProto(new UUID(9, id)))
                .addEndpoints(Endpoint.newBuilder().setListener("CLIENT").setHost("b" + id).setPort(9092));
        if (rack != null) {
            r.setRack(rack);
        }
        return MetadataRecord.newBuilder().setRegisterBroker(r).build();
    }

    static MetadataRecord unfence(int id, long epoch) {
        return MetadataRecord.newBuilder().setUnfenceBroker(UnfenceBrokerRecord.newBuilder().setBrokerId(id)
                .setBrokerEpoch(epoch)).build();
    }

    static MetadataRecord topic(String name, UUID id) {
        return MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName(name).setTopicId(Uuids.toProto(id)))
                .build();
    }

    static MetadataRecord partition(UUID topic, int id, List<Integer> replicas, int leader) {
        return MetadataRecord.newBuilder().setPartition(PartitionRecord.newBuilder().setTopicId(Uuids.toProto(topic))
                .setPartitionId(id).addAllReplicas(replicas).addAllIsr(replicas).setLeader(leader)).build();
    }

    static MetadataRecord change(UUID topic, int id, Integer leader, List<Integer> isr) {
        PartitionChangeRecord.Builder c = PartitionChangeRecord.newBuilder().setTopicId(Uuids.toProto(topic))
                .setPartitionId(id);
        if (leader != null) {
            c.setLeader(leader);
        }
        if (isr != null) {
            c.setIsr(BrokerIds.newBuilder().addAllIds(isr));
        }
        return MetadataRecord.newBuilder().setPartitionChange(c).build();
    }

    static MetadataImage cluster() {
        return MetadataImage.EMPTY.apply(List.of(register(1, 1, "a"), register(2, 2, null), register(3, 3, "c"),
                unfence(1, 1), unfence(2, 2)), 1).apply(List.of(topic("orders", ORDERS),
                partition(ORDERS, 0, List.of(1, 2, 3), 1), partition(ORDERS, 1, List.of(2, 3, 1), 2),
                MetadataRecord.newBuilder().setConfig(ConfigRecord.newBuilder().setTopic("orders")
                        .setKey("retention.ms").setValue("1000")).build()), 2);
    }

    @Test
    void recordsBuildTheImage() {
        MetadataImage image = cluster();
        assertEquals(2, image.endOffset());
        assertTrue(image.isUnfenced(1));
        assertFalse(image.isUnfenced(3), "a broker registers fenced");
        assertEquals("a", image.brokers().get(1).rack());
        assertEquals(3, image.lastBrokerEpoch());
        TopicImage orders = image.topic("orders");
        assertEquals(new PartitionRegistration(List.of(2, 3, 1), List.of(2, 3, 1), 2, 0, 0), orders.partitions().get(1));
        assertEquals("1000", image.topicConfig("orders").get("retention.ms"));
    }

    @Test
    void aLeaderChangeBumpsBothEpochsAnIsrChangeOnlyThePartitionEpoch() {
        MetadataImage image = cluster().apply(List.of(change(ORDERS, 0, null, List.of(1, 2))), 3);
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2), 1, 0, 1),
                image.topic("orders").partitions().get(0));
        image = image.apply(List.of(change(ORDERS, 0, 2, List.of(2))), 4);
        assertEquals(new PartitionRegistration(List.of(1, 2, 3), List.of(2), 2, 1, 2),
                image.topic("orders").partitions().get(0));
    }

    @Test
    void removingATopicDropsItsPartitionsAndConfigs() {
        MetadataImage image = cluster().apply(List.of(MetadataRecord.newBuilder().setRemoveTopic(RemoveTopicRecord
                .newBuilder().setTopicId(Uuids.toProto(ORDERS))).build()), 3);
        assertNull(image.topic("orders"));
        assertTrue(image.topicConfig("orders").isEmpty());
        assertTrue(image.topicNames().isEmpty());
    }

    @Test
    void contradictoryRecordsAreRefusedAndTheImageIsUnchanged() {
        MetadataImage image = cluster();
        assertThrows(MetadataException.class, () -> image.apply(List.of(topic("orders", new UUID(5, 5))), 3));
        assertThrows(MetadataException.class, () -> image.apply(List.of(unfence(3, 99)), 3), "a stale broker epoch");
        assertThrows(MetadataException.class, () -> image.apply(List.of(change(new UUID(7, 7), 0, 1, null)), 3));
        assertThrows(MetadataException.class, () -> image.apply(List.of(MetadataRecord.newBuilder()
                .setProducerIds(ProducerIdsRecord.newBuilder().setNextProducerId(0)).build()), 3));
        assertEquals(cluster(), image);
    }

    @Test
    void aSnapshotRebuildsTheSameImage() {
        MetadataImage image = cluster().apply(List.of(change(ORDERS, 1, 3, List.of(3, 1)),
                MetadataRecord.newBuilder().setProducerIds(ProducerIdsRecord.newBuilder().setBrokerId(1)
                        .setBrokerEpoch(1).setNextProducerId(1000)).build()), 7);
        byte[] snapshot = MetadataSnapshot.encode(MetadataSnapshot.records(image));
        assertEquals(image, MetadataSnapshot.load(snapshot, 7));
        assertThrows(MetadataException.class, () -> MetadataSnapshot.decode(new byte[] {(byte) 0xff, 1, 2}));
    }

    @Test
    void brokersLearnWhatChangedForThem() {
        MetadataImage before = cluster();
        MetadataImage after = before.apply(List.of(change(ORDERS, 0, 2, List.of(2, 3)), change(ORDERS, 1, null,
                List.of(2, 3))), 3);
        List<LeadershipChange> forTwo = LeadershipChange.between(before, after, 2);
        assertEquals(2, forTwo.size());
        assertEquals(LeadershipChange.Role.LEADER, forTwo.get(0).role());
        assertEquals(1, forTwo.get(0).leaderEpoch());
        assertEquals(LeadershipChange.Role.LEADER, forTwo.get(1).role(), "an ISR change is news to the leader");
        List<LeadershipChange> forOne = LeadershipChange.between(before, after, 1);
        assertEquals(LeadershipChange.Role.FOLLOWER, forOne.get(0).role());
        assertEquals(2, forOne.get(0).leaderId());
        MetadataImage removed = after.apply(List.of(MetadataRecord.newBuilder().setRemoveTopic(RemoveTopicRecord
                .newBuilder().setTopicId(Uuids.toProto(ORDERS))).build()), 4);
        assertEquals(List.of(LeadershipChange.Role.REMOVED, LeadershipChange.Role.REMOVED),
                LeadershipChange.between(after, removed, 3).stream().map(LeadershipChange::role).toList());
    }
}
