package io.fjord.client.internal;

import io.fjord.client.Node;
import io.fjord.client.PartitionInfo;
import io.fjord.client.TopicPartition;
import io.fjord.proto.v1.BrokerNode;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.MetadataResponse;
import io.fjord.proto.v1.PartitionMetadata;
import io.fjord.proto.v1.TopicMetadata;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One picture of the cluster as a metadata response gave it: brokers, and per topic its partitions with leaders, or
 * the error that kept the topic from being described. Immutable; thread-safe.
 */
public final class ClusterSnapshot {
    public static final ClusterSnapshot EMPTY = new ClusterSnapshot("", -1, Map.of(), Map.of(), Map.of());

    /** Why a topic has no partitions: its error code and the broker's message. */
    public record TopicError(ErrorCode code, String message) {
    }

    private final String clusterId;
    private final int controllerId;
    private final Map<Integer, Node> brokers;
    private final Map<String, List<PartitionInfo>> partitionsByTopic;
    private final Map<String, TopicError> topicErrors;

    public ClusterSnapshot(String clusterId, int controllerId, Map<Integer, Node> brokers,
                           Map<String, List<PartitionInfo>> partitionsByTopic, Map<String, TopicError> topicErrors) {
        this.clusterId = clusterId;
        this.controllerId = controllerId;
        this.brokers = Map.copyOf(brokers);
        this.partitionsByTopic = Map.copyOf(partitionsByTopic);
        this.topicErrors = Map.copyOf(topicErrors);
    }

    /**
     * This snapshot updated with a response: the response's brokers replace ours, the topics it describes replace
     * ours, other topics are kept (a refresh for some topics does not forget the rest).
     */
    public ClusterSnapshot merge(MetadataResponse response) {
        Map<Integer, Node> nodes = new HashMap<>();
        for (BrokerNode b : response.getBrokersList()) {
            nodes.put(b.getId(), new Node(b.getId(), b.getHost(), b.getPort(), b.hasRack() ? b.getRack() : null));
        }
        Map<String, List<PartitionInfo>> partitions = new HashMap<>(partitionsByTopic);
        Map<String, TopicError> errors = new HashMap<>(topicErrors);
        for (TopicMetadata topic : response.getTopicsList()) {
            if (topic.getErrorCode() != ErrorCode.NONE) {
                partitions.remove(topic.getName());
                errors.put(topic.getName(), new TopicError(topic.getErrorCode(), topic.getErrorMessage()));
                continue;
            }
            errors.remove(topic.getName());
            List<PartitionInfo> infos = new ArrayList<>();
            for (PartitionMetadata p : topic.getPartitionsList()) {
                infos.add(new PartitionInfo(topic.getName(), p.getPartition(), nodes.get(p.getLeaderId()),
                        p.getLeaderEpoch(), p.getReplicasList(), p.getIsrList(), p.getOfflineReplicasList()));
            }
            infos.sort(Comparator.comparingInt(PartitionInfo::partition));
            partitions.put(topic.getName(), List.copyOf(infos));
        }
        return new ClusterSnapshot(response.getClusterId(), response.getControllerId(), nodes, partitions, errors);
    }

    public String clusterId() {
        return clusterId;
    }

    public int controllerId() {
        return controllerId;
    }

    public Map<Integer, Node> brokers() {
        return brokers;
    }

    /** The topic's partitions ordered by number, or null when the topic is unknown or had an error. */
    public List<PartitionInfo> partitionsFor(String topic) {
        return partitionsByTopic.get(topic);
    }

    public TopicError topicError(String topic) {
        return topicErrors.get(topic);
    }

    public PartitionInfo partition(TopicPartition tp) {
        List<PartitionInfo> partitions = partitionsByTopic.get(tp.topic());
        if (partitions == null || tp.partition() >= partitions.size()) {
            return null;
        }
        PartitionInfo info = partitions.get(tp.partition());
        return info.partition() == tp.partition() ? info : null;
    }

    /** The partition's leader, or null when unknown. */
    public Node leaderFor(TopicPartition tp) {
        PartitionInfo info = partition(tp);
        return info == null ? null : info.leader();
    }
}
