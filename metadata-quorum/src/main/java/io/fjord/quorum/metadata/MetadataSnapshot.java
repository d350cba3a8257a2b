package io.fjord.quorum.metadata;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fjord.proto.internal.v1.BrokerRegistrationChangeRecord;
import io.fjord.proto.internal.v1.ConfigRecord;
import io.fjord.proto.internal.v1.Endpoint;
import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.proto.internal.v1.MetadataRecordBatch;
import io.fjord.proto.internal.v1.PartitionRecord;
import io.fjord.proto.internal.v1.ProducerIdsRecord;
import io.fjord.proto.internal.v1.RegisterBrokerRecord;
import io.fjord.proto.internal.v1.TopicRecord;
import io.fjord.proto.internal.v1.UnfenceBrokerRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Metadata in the quorum's bytes: a quorum entry or a snapshot is one serialized {@code MetadataRecordBatch}. A
 * snapshot is the image written as the records that rebuild it from {@link MetadataImage#EMPTY}.
 */
public final class MetadataSnapshot {
    private MetadataSnapshot() {
    }

    public static byte[] encode(List<MetadataRecord> records) {
        return MetadataRecordBatch.newBuilder().addAllRecords(records).build().toByteArray();
    }

    /** @throws MetadataException if the bytes are not a record batch */
    public static List<MetadataRecord> decode(byte[] bytes) {
        try {
            return MetadataRecordBatch.parseFrom(bytes).getRecordsList();
        } catch (InvalidProtocolBufferException e) {
            throw new MetadataException("a metadata entry of " + bytes.length + " bytes is not a record batch: "
                    + e.getMessage());
        }
    }

    /** The image as records, in an order that applies: brokers, topics with partitions, configs, producer ids. */
    public static List<MetadataRecord> records(MetadataImage image) {
        List<MetadataRecord> out = new ArrayList<>();
        for (BrokerRegistration b : image.brokers().values()) {
            RegisterBrokerRecord.Builder r = RegisterBrokerRecord.newBuilder().setBrokerId(b.id())
                    .setIncarnationId(Uuids.toProto(b.incarnationId())).setBrokerEpoch(b.epoch());
            b.endpoints().forEach(e -> r.addEndpoints(Endpoint.newBuilder().setListener(e.listener())
                    .setHost(e.host()).setPort(e.port())));
            if (b.rack() != null) {
                r.setRack(b.rack());
            }
            out.add(MetadataRecord.newBuilder().setRegisterBroker(r).build());
            if (!b.fenced()) {
                out.add(MetadataRecord.newBuilder().setUnfenceBroker(UnfenceBrokerRecord.newBuilder()
                        .setBrokerId(b.id()).setBrokerEpoch(b.epoch())).build());
            }
            if (b.inControlledShutdown()) {
                out.add(MetadataRecord.newBuilder().setBrokerRegistrationChange(BrokerRegistrationChangeRecord
                        .newBuilder().setBrokerId(b.id()).setBrokerEpoch(b.epoch()).setInControlledShutdown(true))
                        .build());
            }
        }
        for (TopicImage t : image.topics().values()) {
            out.add(MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName(t.name())
                    .setTopicId(Uuids.toProto(t.id()))).build());
            for (Map.Entry<Integer, PartitionRegistration> p : t.partitions().entrySet()) {
                PartitionRegistration r = p.getValue();
                out.add(MetadataRecord.newBuilder().setPartition(PartitionRecord.newBuilder()
                        .setTopicId(Uuids.toProto(t.id())).setPartitionId(p.getKey()).addAllReplicas(r.replicas())
                        .addAllIsr(r.isr()).setLeader(r.leader()).setLeaderEpoch(r.leaderEpoch())
                        .setPartitionEpoch(r.partitionEpoch())).build());
            }
        }
        image.configs().forEach((topic, config) -> config.forEach((key, value) -> out.add(MetadataRecord.newBuilder()
                .setConfig(ConfigRecord.newBuilder().setTopic(topic).setKey(key).setValue(value)).build())));
        if (image.nextProducerId() > 0) {
            out.add(MetadataRecord.newBuilder().setProducerIds(ProducerIdsRecord.newBuilder().setBrokerId(-1)
                    .setNextProducerId(image.nextProducerId())).build());
        }
        return out;
    }

    /** Rebuilds the image a snapshot ending at {@code endOffset} holds. */
    public static MetadataImage load(byte[] snapshot, long endOffset) {
        return MetadataImage.EMPTY.apply(decode(snapshot), endOffset);
    }
}
