package io.fjord.broker.replica;

import io.fjord.proto.internal.v1.BrokerIds;
import io.fjord.proto.internal.v1.ConfigRecord;
import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.proto.internal.v1.PartitionChangeRecord;
import io.fjord.proto.internal.v1.PartitionRecord;
import io.fjord.proto.internal.v1.RemoveTopicRecord;
import io.fjord.proto.internal.v1.TopicRecord;
import io.fjord.quorum.metadata.LeadershipChange;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.Uuids;

import java.util.List;
import java.util.UUID;

/** Synthetic metadata for tests: applies records to an image and hands the broker's changes to a ReplicaManager. */
public final class TestMetadata {
    private final ReplicaManager replicaManager;
    private final int brokerId;
    private MetadataImage image = MetadataImage.EMPTY;
    private long offset;

    public TestMetadata(ReplicaManager replicaManager, int brokerId) {
        this.replicaManager = replicaManager;
        this.brokerId = brokerId;
    }

    public MetadataImage image() {
        return image;
    }

    public TestMetadata apply(MetadataRecord... records) {
        MetadataImage next = image.apply(List.of(records), ++offset);
        List<LeadershipChange> changes = LeadershipChange.between(image, next, brokerId);
        image = next;
        replicaManager.onMetadata(next, changes);
        return this;
    }

    /** A topic whose partitions all have {@code replicas} with the first as leader and the ISR given. */
    public TestMetadata createTopic(String name, UUID id, int partitions, List<Integer> replicas, List<Integer> isr) {
        MetadataRecord[] records = new MetadataRecord[partitions + 1];
        records[0] = MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName(name)
                .setTopicId(Uuids.toProto(id))).build();
        for (int p = 0; p < partitions; p++) {
            records[p + 1] = MetadataRecord.newBuilder().setPartition(PartitionRecord.newBuilder()
                    .setTopicId(Uuids.toProto(id)).setPartitionId(p).addAllReplicas(replicas).addAllIsr(isr)
                    .setLeader(replicas.get(0))).build();
        }
        return apply(records);
    }

    public static MetadataRecord config(String topic, String key, String value) {
        ConfigRecord.Builder c = ConfigRecord.newBuilder().setTopic(topic).setKey(key);
        if (value != null) {
            c.setValue(value);
        }
        return MetadataRecord.newBuilder().setConfig(c).build();
    }

    public static MetadataRecord changeLeader(UUID topic, int partition, int leader, List<Integer> isr) {
        return MetadataRecord.newBuilder().setPartitionChange(PartitionChangeRecord.newBuilder()
                .setTopicId(Uuids.toProto(topic)).setPartitionId(partition).setLeader(leader)
                .setIsr(BrokerIds.newBuilder().addAllIds(isr))).build();
    }

    public static MetadataRecord removeTopic(UUID topic) {
        return MetadataRecord.newBuilder().setRemoveTopic(RemoveTopicRecord.newBuilder()
                .setTopicId(Uuids.toProto(topic))).build();
    }
}
