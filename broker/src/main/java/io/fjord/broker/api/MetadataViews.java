package io.fjord.broker.api;

import io.fjord.proto.v1.BrokerNode;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.PartitionMetadata;
import io.fjord.proto.v1.TopicMetadata;
import io.fjord.quorum.config.DirectoryIds;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.quorum.metadata.TopicImage;

import java.util.Map;
import java.util.Optional;

/** The client API's view of a metadata image: brokers and topics as the {@code fjord.v1} messages. Pure functions. */
final class MetadataViews {
    private MetadataViews() {
    }

    /** The broker's endpoint on {@code listener} (or its first one); empty if it has none. */
    static Optional<BrokerNode> broker(BrokerRegistration b, String listener) {
        BrokerRegistration.Endpoint endpoint = b.endpoints().stream().filter(e -> e.listener().equals(listener))
                .findFirst().orElse(b.endpoints().isEmpty() ? null : b.endpoints().get(0));
        if (endpoint == null) {
            return Optional.empty();
        }
        BrokerNode.Builder node = BrokerNode.newBuilder().setId(b.id()).setHost(endpoint.host())
                .setPort(endpoint.port()).setFenced(b.fenced());
        if (b.rack() != null) {
            node.setRack(b.rack());
        }
        return Optional.of(node.build());
    }

    static TopicMetadata topic(MetadataImage image, TopicImage topic) {
        TopicMetadata.Builder out = TopicMetadata.newBuilder().setName(topic.name())
                .setTopicId(DirectoryIds.format(topic.id()));
        for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
            out.addPartitions(partition(image, e.getKey(), e.getValue()));
        }
        return out.build();
    }

    static PartitionMetadata partition(MetadataImage image, int id, PartitionRegistration p) {
        PartitionMetadata.Builder out = PartitionMetadata.newBuilder().setPartition(id).setLeaderId(p.leader())
                .setLeaderEpoch(p.leaderEpoch()).addAllReplicas(p.replicas()).addAllIsr(p.isr());
        p.replicas().stream().filter(r -> !image.isUnfenced(r)).forEach(out::addOfflineReplicas);
        if (!p.hasLeader()) {
            out.setErrorCode(ErrorCode.LEADER_NOT_AVAILABLE);
        }
        return out.build();
    }

    static TopicMetadata unknownTopic(String name, ErrorCode code, String message) {
        return TopicMetadata.newBuilder().setName(name).setErrorCode(code).setErrorMessage(message).build();
    }
}
