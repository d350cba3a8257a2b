package io.fjord.quorum.controller;

import io.fjord.proto.internal.v1.ConfigRecord;
import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.proto.internal.v1.PartitionRecord;
import io.fjord.proto.internal.v1.RemoveTopicRecord;
import io.fjord.proto.internal.v1.TopicRecord;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.TopicImage;
import io.fjord.quorum.metadata.Uuids;
import io.fjord.storage.log.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

import static io.fjord.quorum.controller.ApiError.Code.INVALID_CONFIG;
import static io.fjord.quorum.controller.ApiError.Code.INVALID_PARTITIONS;
import static io.fjord.quorum.controller.ApiError.Code.INVALID_REPLICATION_FACTOR;
import static io.fjord.quorum.controller.ApiError.Code.INVALID_TOPIC_EXCEPTION;
import static io.fjord.quorum.controller.ApiError.Code.TOPIC_ALREADY_EXISTS;
import static io.fjord.quorum.controller.ApiError.Code.UNKNOWN_TOPIC_OR_PARTITION;

/**
 * Topic decisions, pure: create (validated as Kafka does, replicas placed by {@link ReplicaPlacer}), delete, add
 * partitions, alter configs. Each returns the records to append and the answer; an error appends nothing.
 */
public final class TopicControl {
    /** Partitions one request may create at most (Kafka caps records per operation at 10,000 too). */
    public static final int MAX_PARTITIONS_PER_REQUEST = 10_000;

    private TopicControl() {
    }

    /** The outcome for one topic, with its id on success. */
    public record TopicResult(String name, UUID topicId, ApiError error) {
    }

    public static ControllerResult<TopicResult> createTopic(MetadataImage image, String name, int partitions,
                                                           int replicationFactor, Map<String, String> configs,
                                                           RandomGenerator random) {
        try {
            TopicPartition.validateTopicName(name);
        } catch (IllegalArgumentException e) {
            return fail(name, INVALID_TOPIC_EXCEPTION, e.getMessage());
        }
        if (image.topic(name) != null) {
            return fail(name, TOPIC_ALREADY_EXISTS, "topic '" + name + "' already exists");
        }
        if (partitions < 1 || partitions > MAX_PARTITIONS_PER_REQUEST) {
            return fail(name, INVALID_PARTITIONS, "number of partitions must be from 1 to " + MAX_PARTITIONS_PER_REQUEST
                    + ", not " + partitions);
        }
        if (replicationFactor < 1) {
            return fail(name, INVALID_REPLICATION_FACTOR, "replication factor must be at least 1, not "
                    + replicationFactor);
        }
        String configProblem = configProblem(configs);
        if (configProblem != null) {
            return fail(name, INVALID_CONFIG, configProblem);
        }
        List<BrokerInfo> brokers = brokers(image);
        long available = brokers.stream().filter(b -> !b.fenced()).count();
        if (replicationFactor > available) {
            return fail(name, INVALID_REPLICATION_FACTOR, "replication factor " + replicationFactor
                    + " is larger than the number of available brokers " + available);
        }
        List<List<Integer>> assignment;
        try {
            assignment = ReplicaPlacer.place(partitions, replicationFactor, brokers, startIndex(name, brokers), 0);
        } catch (IllegalArgumentException e) {
            return fail(name, INVALID_REPLICATION_FACTOR, e.getMessage());
        }
        UUID id = new UUID(random.nextLong(), random.nextLong());
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName(name)
                .setTopicId(Uuids.toProto(id))).build());
        addPartitions(records, id, 0, assignment);
        new java.util.TreeMap<>(configs).forEach((key, value) -> records.add(MetadataRecord.newBuilder()
                .setConfig(ConfigRecord.newBuilder().setTopic(name).setKey(key).setValue(value)).build()));
        return new ControllerResult<>(records, new TopicResult(name, id, ApiError.NONE));
    }

    public static ControllerResult<TopicResult> deleteTopic(MetadataImage image, String name) {
        TopicImage topic = image.topic(name);
        if (topic == null) {
            return fail(name, UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist");
        }
        return new ControllerResult<>(List.of(MetadataRecord.newBuilder().setRemoveTopic(RemoveTopicRecord.newBuilder()
                .setTopicId(Uuids.toProto(topic.id()))).build()), new TopicResult(name, topic.id(), ApiError.NONE));
    }

    /** Grows the topic to {@code totalPartitions} (Kafka's CreatePartitions: never fewer). */
    public static ControllerResult<TopicResult> createPartitions(MetadataImage image, String name, int totalPartitions) {
        TopicImage topic = image.topic(name);
        if (topic == null) {
            return fail(name, UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist");
        }
        int current = topic.partitions().size();
        if (totalPartitions <= current) {
            return fail(name, INVALID_PARTITIONS, "topic '" + name + "' has " + current + " partitions; the new count "
                    + totalPartitions + " must be larger (partitions are never removed)");
        }
        if (totalPartitions - current > MAX_PARTITIONS_PER_REQUEST) {
            return fail(name, INVALID_PARTITIONS, "at most " + MAX_PARTITIONS_PER_REQUEST + " partitions may be added"
                    + " at once, not " + (totalPartitions - current));
        }
        int replicationFactor = topic.partitions().get(0).replicas().size();
        List<BrokerInfo> brokers = brokers(image);
        List<List<Integer>> assignment;
        try {
            assignment = ReplicaPlacer.place(totalPartitions - current, replicationFactor, brokers,
                    startIndex(name, brokers), current);
        } catch (IllegalArgumentException e) {
            return fail(name, INVALID_REPLICATION_FACTOR, e.getMessage());
        }
        List<MetadataRecord> records = new ArrayList<>();
        addPartitions(records, topic.id(), current, assignment);
        return new ControllerResult<>(records, new TopicResult(name, topic.id(), ApiError.NONE));
    }

    /** Sets the overrides in {@code set} and removes those in {@code delete}, all or nothing. */
    public static ControllerResult<TopicResult> alterConfigs(MetadataImage image, String name, Map<String, String> set,
                                                            Set<String> delete) {
        TopicImage topic = image.topic(name);
        if (topic == null) {
            return fail(name, UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist");
        }
        String problem = configProblem(set);
        if (problem != null) {
            return fail(name, INVALID_CONFIG, problem);
        }
        List<MetadataRecord> records = new ArrayList<>();
        new java.util.TreeMap<>(set).forEach((key, value) -> records.add(MetadataRecord.newBuilder()
                .setConfig(ConfigRecord.newBuilder().setTopic(name).setKey(key).setValue(value)).build()));
        for (String key : new java.util.TreeSet<>(delete)) {
            if (!set.containsKey(key)) {
                records.add(MetadataRecord.newBuilder().setConfig(ConfigRecord.newBuilder().setTopic(name).setKey(key))
                        .build());
            }
        }
        return new ControllerResult<>(records, new TopicResult(name, topic.id(), ApiError.NONE));
    }

    private static ControllerResult<TopicResult> fail(String name, ApiError.Code code, String message) {
        return ControllerResult.of(new TopicResult(name, null, ApiError.of(code, message)));
    }

    private static String configProblem(Map<String, String> configs) {
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(configs).entrySet()) {
            String problem = TopicConfigs.problem(e.getKey(), e.getValue());
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static void addPartitions(List<MetadataRecord> records, UUID topicId, int firstId,
                                      List<List<Integer>> assignment) {
        for (int i = 0; i < assignment.size(); i++) {
            List<Integer> replicas = assignment.get(i);
            records.add(MetadataRecord.newBuilder().setPartition(PartitionRecord.newBuilder()
                    .setTopicId(Uuids.toProto(topicId)).setPartitionId(firstId + i).addAllReplicas(replicas)
                    .addAllIsr(replicas).setLeader(replicas.get(0)).setLeaderEpoch(0).setPartitionEpoch(0)).build());
        }
    }

    static List<BrokerInfo> brokers(MetadataImage image) {
        List<BrokerInfo> out = new ArrayList<>();
        for (BrokerRegistration b : image.brokers().values()) {
            out.add(new BrokerInfo(b.id(), b.rack(), b.fenced() || b.inControlledShutdown()));
        }
        return out;
    }

    /** Where the rotation starts for a topic: spread by name, so topics' leaders do not all start at one broker. */
    private static int startIndex(String name, List<BrokerInfo> brokers) {
        return Math.floorMod(name.hashCode(), Math.max(1, brokers.size()));
    }
}
