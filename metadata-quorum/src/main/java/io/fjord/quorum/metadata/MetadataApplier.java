package io.fjord.quorum.metadata;

import io.fjord.proto.internal.v1.ConfigRecord;
import io.fjord.proto.internal.v1.FenceBrokerRecord;
import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.proto.internal.v1.PartitionChangeRecord;
import io.fjord.proto.internal.v1.PartitionRecord;
import io.fjord.proto.internal.v1.RegisterBrokerRecord;
import io.fjord.proto.internal.v1.TopicRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/** Applies one batch of records to an image: copies what the batch changes, once, then builds the next image. */
final class MetadataApplier {
    private final MetadataImage base;
    private final TreeMap<Integer, BrokerRegistration> brokers;
    private final TreeMap<String, TopicImage> topics;
    private final Map<UUID, String> topicNames;
    private final TreeMap<String, SortedMap<String, String>> configs;
    private long nextProducerId;
    private long lastBrokerEpoch;
    /** Partitions of the topics this batch changes, copied once per batch (not once per record). */
    private final Map<String, TreeMap<Integer, PartitionRegistration>> partitionEdits = new HashMap<>();

    MetadataApplier(MetadataImage base) {
        this.base = base;
        this.brokers = new TreeMap<>(base.brokers());
        this.topics = new TreeMap<>(base.topics());
        this.topicNames = new HashMap<>(base.topicNames());
        this.configs = new TreeMap<>(base.configs());
        this.nextProducerId = base.nextProducerId();
        this.lastBrokerEpoch = base.lastBrokerEpoch();
    }

    void apply(MetadataRecord record) {
        switch (record.getRecordCase()) {
            case REGISTER_BROKER -> register(record.getRegisterBroker());
            case FENCE_BROKER -> setFenced(record.getFenceBroker().getBrokerId(), record.getFenceBroker().getBrokerEpoch(),
                    true);
            case UNFENCE_BROKER -> setFenced(record.getUnfenceBroker().getBrokerId(),
                    record.getUnfenceBroker().getBrokerEpoch(), false);
            case BROKER_REGISTRATION_CHANGE -> {
                var change = record.getBrokerRegistrationChange();
                brokers.put(change.getBrokerId(), broker(change.getBrokerId(), change.getBrokerEpoch())
                        .withControlledShutdown(change.getInControlledShutdown()));
            }
            case TOPIC -> addTopic(record.getTopic());
            case PARTITION -> addPartition(record.getPartition());
            case PARTITION_CHANGE -> changePartition(record.getPartitionChange());
            case CONFIG -> config(record.getConfig());
            case REMOVE_TOPIC -> removeTopic(Uuids.fromProto(record.getRemoveTopic().getTopicId()));
            case PRODUCER_IDS -> {
                long next = record.getProducerIds().getNextProducerId();
                if (next <= nextProducerId) {
                    throw new MetadataException("producer ids must move forward: " + next + " after " + nextProducerId);
                }
                nextProducerId = next;
            }
            default -> throw new MetadataException("metadata record without a body: " + record);
        }
    }

    private void register(RegisterBrokerRecord r) {
        List<BrokerRegistration.Endpoint> endpoints = new ArrayList<>();
        r.getEndpointsList().forEach(e -> endpoints.add(new BrokerRegistration.Endpoint(e.getListener(), e.getHost(),
                e.getPort())));
        brokers.put(r.getBrokerId(), new BrokerRegistration(r.getBrokerId(), Uuids.fromProto(r.getIncarnationId()),
                r.getBrokerEpoch(), endpoints, r.hasRack() ? r.getRack() : null, true, false));
        lastBrokerEpoch = Math.max(lastBrokerEpoch, r.getBrokerEpoch());
    }

    private void setFenced(int id, long epoch, boolean fenced) {
        brokers.put(id, broker(id, epoch).withFenced(fenced));
    }

    private BrokerRegistration broker(int id, long epoch) {
        BrokerRegistration b = brokers.get(id);
        if (b == null || b.epoch() != epoch) {
            throw new MetadataException("no registration of broker " + id + " with epoch " + epoch + " (have "
                    + b + ")");
        }
        return b;
    }

    private void addTopic(TopicRecord r) {
        UUID id = Uuids.fromProto(r.getTopicId());
        if (topics.containsKey(r.getName()) || topicNames.containsKey(id)) {
            throw new MetadataException("topic " + r.getName() + " (" + id + ") already exists");
        }
        topics.put(r.getName(), new TopicImage(r.getName(), id, new TreeMap<>()));
        topicNames.put(id, r.getName());
        partitionEdits.put(r.getName(), new TreeMap<>());
    }

    private TopicImage topic(UUID id) {
        String name = topicNames.get(id);
        if (name == null) {
            throw new MetadataException("no topic with id " + id);
        }
        return topics.get(name);
    }

    private TreeMap<Integer, PartitionRegistration> partitions(TopicImage topic) {
        return partitionEdits.computeIfAbsent(topic.name(), name -> new TreeMap<>(topic.partitions()));
    }

    private void addPartition(PartitionRecord r) {
        TopicImage topic = topic(Uuids.fromProto(r.getTopicId()));
        TreeMap<Integer, PartitionRegistration> partitions = partitions(topic);
        if (partitions.containsKey(r.getPartitionId())) {
            throw new MetadataException("partition " + topic.name() + "-" + r.getPartitionId() + " already exists");
        }
        partitions.put(r.getPartitionId(), new PartitionRegistration(r.getReplicasList(), r.getIsrList(),
                r.getLeader(), r.getLeaderEpoch(), r.getPartitionEpoch()));
    }

    private void changePartition(PartitionChangeRecord r) {
        TopicImage topic = topic(Uuids.fromProto(r.getTopicId()));
        TreeMap<Integer, PartitionRegistration> partitions = partitions(topic);
        PartitionRegistration partition = partitions.get(r.getPartitionId());
        if (partition == null) {
            throw new MetadataException("no partition " + topic.name() + "-" + r.getPartitionId());
        }
        partitions.put(r.getPartitionId(), partition.change(r.hasLeader() ? r.getLeader() : null,
                r.hasIsr() ? r.getIsr().getIdsList() : null));
    }

    private void config(ConfigRecord r) {
        SortedMap<String, String> config = new TreeMap<>(configs.getOrDefault(r.getTopic(), new TreeMap<>()));
        if (r.hasValue()) {
            config.put(r.getKey(), r.getValue());
        } else {
            config.remove(r.getKey());
        }
        if (config.isEmpty()) {
            configs.remove(r.getTopic());
        } else {
            configs.put(r.getTopic(), java.util.Collections.unmodifiableSortedMap(config));
        }
    }

    private void removeTopic(UUID id) {
        TopicImage topic = topic(id);
        topics.remove(topic.name());
        topicNames.remove(id);
        configs.remove(topic.name());
        partitionEdits.remove(topic.name());
    }

    MetadataImage build(long endOffset) {
        if (endOffset < base.endOffset()) {
            throw new MetadataException("metadata applied at offset " + endOffset + " after " + base.endOffset());
        }
        partitionEdits.forEach((name, partitions) -> {
            TopicImage topic = topics.get(name);
            topics.put(name, new TopicImage(name, topic.id(), partitions));
        });
        return new MetadataImage(endOffset, brokers, topics, topicNames, configs, nextProducerId, lastBrokerEpoch);
    }
}
