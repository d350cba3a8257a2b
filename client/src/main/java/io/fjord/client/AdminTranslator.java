package io.fjord.client;

import io.fjord.proto.v1.PartitionMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Converts between the admin protos and the client's value records. Stateless; thread-safe. */
final class AdminTranslator {
    io.fjord.proto.v1.NewTopic toProto(NewTopic topic) {
        return io.fjord.proto.v1.NewTopic.newBuilder()
                .setName(topic.name())
                .setNumPartitions(topic.numPartitions())
                .setReplicationFactor(topic.replicationFactor())
                .putAllConfigs(topic.configs())
                .build();
    }

    TopicDescription toDescription(io.fjord.proto.v1.TopicDescription d) {
        var m = d.getMetadata();
        List<PartitionInfo> partitions = new ArrayList<>();
        for (PartitionMetadata p : m.getPartitionsList()) {
            Node leader = p.getLeaderId() < 0 ? null : new Node(p.getLeaderId(), "", -1, null);
            partitions.add(new PartitionInfo(m.getName(), p.getPartition(), leader, p.getLeaderEpoch(),
                    p.getReplicasList(), p.getIsrList(), p.getOfflineReplicasList()));
        }
        partitions.sort(java.util.Comparator.comparingInt(PartitionInfo::partition));
        return new TopicDescription(m.getName(), m.getTopicId(), partitions, d.getConfigsMap());
    }

    ConfigEntry toEntry(io.fjord.proto.v1.ConfigEntry e) {
        String source = e.getSource().name().replace("CONFIG_SOURCE_", "");
        return new ConfigEntry(e.getName(), e.getValue(), source.toUpperCase(Locale.ROOT), e.getReadOnly());
    }
}
