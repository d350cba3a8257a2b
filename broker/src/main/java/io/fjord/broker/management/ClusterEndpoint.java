package io.fjord.broker.management;

import io.fjord.broker.replica.PartitionView;
import io.fjord.quorum.config.DirectoryIds;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.quorum.metadata.TopicImage;
import io.micronaut.management.endpoint.annotation.Endpoint;
import io.micronaut.management.endpoint.annotation.Read;
import io.micronaut.management.endpoint.annotation.Selector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /cluster}: brokers and topics as this broker's metadata knows them; {@code GET /cluster/{topic}}: one
 * topic's partitions (replicas, ISR, leader, epochs) with this broker's log offsets where it holds a replica.
 * Read-only.
 */
@Endpoint(id = "cluster", defaultSensitive = false)
public final class ClusterEndpoint {
    private final NodeView node;

    public ClusterEndpoint(NodeView node) {
        this.node = node;
    }

    @Read
    public Map<String, Object> cluster() {
        MetadataImage image = node.metadata();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metadataOffset", image.endOffset());
        List<Map<String, Object>> brokers = new ArrayList<>();
        image.brokers().values().forEach(b -> brokers.add(Map.of("id", b.id(), "fenced", b.fenced(),
                "endpoints", b.endpoints().stream().map(e -> e.listener() + "://" + e.host() + ":" + e.port())
                        .toList())));
        out.put("brokers", brokers);
        Map<String, Object> topics = new LinkedHashMap<>();
        image.topics().values().forEach(t -> topics.put(t.name(), Map.of("id", DirectoryIds.format(t.id()),
                "partitions", t.partitions().size())));
        out.put("topics", topics);
        return out;
    }

    @Read
    public Map<String, Object> topic(@Selector String name) {
        TopicImage topic = node.metadata().topic(name);
        if (topic == null) {
            return null; // 404
        }
        Map<Integer, PartitionView> local = new LinkedHashMap<>();
        node.partitions().stream().filter(p -> p.topic().equals(name)).forEach(p -> local.put(p.partition(), p));
        List<Map<String, Object>> partitions = new ArrayList<>();
        for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
            PartitionRegistration p = e.getValue();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partition", e.getKey());
            row.put("leader", p.leader());
            row.put("leaderEpoch", p.leaderEpoch());
            row.put("partitionEpoch", p.partitionEpoch());
            row.put("replicas", p.replicas());
            row.put("isr", p.isr());
            PartitionView view = local.get(e.getKey());
            if (view != null) {
                row.put("logStartOffset", view.logStartOffset());
                row.put("logEndOffset", view.logEndOffset());
                row.put("highWatermark", view.highWatermark());
                row.put("sizeBytes", view.sizeInBytes());
            }
            partitions.add(row);
        }
        return Map.of("name", name, "id", DirectoryIds.format(topic.id()), "partitions", partitions);
    }
}
