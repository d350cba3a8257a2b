package io.fjord.quorum.controller;

import io.fjord.proto.internal.v1.BrokerIds;
import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.proto.internal.v1.PartitionChangeRecord;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.quorum.metadata.TopicImage;
import io.fjord.quorum.metadata.Uuids;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.IntPredicate;

import static io.fjord.quorum.controller.ApiError.Code.FENCED_LEADER_EPOCH;
import static io.fjord.quorum.controller.ApiError.Code.INELIGIBLE_REPLICA;
import static io.fjord.quorum.controller.ApiError.Code.INVALID_REQUEST;
import static io.fjord.quorum.controller.ApiError.Code.INVALID_UPDATE_VERSION;
import static io.fjord.quorum.controller.ApiError.Code.NOT_LEADER_OR_FOLLOWER;
import static io.fjord.quorum.controller.ApiError.Code.STALE_BROKER_EPOCH;
import static io.fjord.quorum.controller.ApiError.Code.UNKNOWN_TOPIC_ID;
import static io.fjord.quorum.controller.ApiError.Code.UNKNOWN_TOPIC_OR_PARTITION;

/**
 * Leader and ISR decisions, pure: a broker leaving (fenced or shutting down) loses its leaderships and ISR places, a
 * returning broker brings offline partitions back, partition leaders change their ISR ({@code AlterPartition}), and
 * preferred leaders are restored. Leaders come from {@link PartitionLeaderElection}; an ISR is never emptied.
 */
public final class PartitionControl {
    private PartitionControl() {
    }

    /** Brokers that may lead or join an ISR: registered, unfenced, not shutting down. */
    static IntPredicate eligible(MetadataImage image) {
        return id -> {
            BrokerRegistration b = image.brokers().get(id);
            return b != null && !b.fenced() && !b.inControlledShutdown();
        };
    }

    /** Moves leaderships away from {@code brokerId} and drops it from every ISR it is in. */
    static void brokerLeaving(MetadataImage image, int brokerId, boolean uncleanDefault, List<MetadataRecord> out) {
        IntPredicate others = eligible(image).and(id -> id != brokerId);
        forEachPartition(image, (topic, id, p) -> {
            if (p.leader() != brokerId && !p.isr().contains(brokerId)) {
                return;
            }
            List<Integer> isr = IsrChanges.removeBroker(p.isr(), brokerId);
            int leader = p.leader();
            if (leader == brokerId || leader == PartitionRegistration.NO_LEADER) {
                PartitionLeaderElection.Election election = PartitionLeaderElection.elect(p.replicas(), isr, others,
                        TopicConfigs.uncleanLeaderElection(image.topicConfig(topic.name()), uncleanDefault));
                leader = election.leader();
                isr = election.isr();
            }
            change(topic, id, p, leader, isr, out);
        });
    }

    /** Elects leaders for offline partitions that {@code brokerId}, about to be unfenced, can lead. */
    static void brokerReturning(MetadataImage image, int brokerId, boolean uncleanDefault, List<MetadataRecord> out) {
        IntPredicate withIt = eligible(image).or(id -> id == brokerId);
        forEachPartition(image, (topic, id, p) -> {
            if (!p.hasLeader() && p.replicas().contains(brokerId)) {
                PartitionLeaderElection.Election election = PartitionLeaderElection.elect(p.replicas(), p.isr(), withIt,
                        TopicConfigs.uncleanLeaderElection(image.topicConfig(topic.name()), uncleanDefault));
                if (election.leader() != PartitionRegistration.NO_LEADER) {
                    change(topic, id, p, election.leader(), election.isr(), out);
                }
            }
        });
    }

    /** Whether {@code brokerId} leads any partition in {@code image}. */
    static boolean leadsAny(MetadataImage image, int brokerId) {
        for (TopicImage topic : image.topics().values()) {
            for (PartitionRegistration p : topic.partitions().values()) {
                if (p.leader() == brokerId) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A partition leader's ISR change (Kafka's AlterPartition), fenced by broker epoch, topic id, leader epoch and
     * partition epoch; every new member must be an unfenced replica, and the leader stays in it. The topic id keeps a
     * request about a deleted topic from applying to a new topic of the same name, whose epochs start again at 0.
     */
    public static ControllerResult<ApiError> alterPartition(MetadataImage image, int brokerId, long brokerEpoch,
                                                           UUID topicId, String topicName, int partitionId,
                                                           int leaderEpoch, int partitionEpoch, List<Integer> newIsr) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        if (broker == null || broker.epoch() != brokerEpoch || broker.fenced()) {
            return ControllerResult.of(ApiError.of(STALE_BROKER_EPOCH, "broker " + brokerId + " with epoch "
                    + brokerEpoch + " is not the registered, unfenced broker (" + broker + ")"));
        }
        TopicImage topic = image.topic(topicName);
        PartitionRegistration p = topic == null ? null : topic.partitions().get(partitionId);
        if (p == null) {
            return ControllerResult.of(ApiError.of(UNKNOWN_TOPIC_OR_PARTITION, "no partition " + topicName + "-"
                    + partitionId));
        }
        if (!topic.id().equals(topicId)) {
            return ControllerResult.of(ApiError.of(UNKNOWN_TOPIC_ID, "topic id " + topicId + " is not that of topic '"
                    + topicName + "' (" + topic.id() + "): the topic was deleted"));
        }
        if (p.leader() != brokerId) {
            return ControllerResult.of(ApiError.of(NOT_LEADER_OR_FOLLOWER, "broker " + brokerId + " does not lead "
                    + topicName + "-" + partitionId + " (leader " + p.leader() + ")"));
        }
        if (leaderEpoch != p.leaderEpoch()) {
            return ControllerResult.of(ApiError.of(FENCED_LEADER_EPOCH, "leader epoch " + leaderEpoch + " of "
                    + topicName + "-" + partitionId + " is not the current " + p.leaderEpoch()));
        }
        if (partitionEpoch != p.partitionEpoch()) {
            return ControllerResult.of(ApiError.of(INVALID_UPDATE_VERSION, "partition epoch " + partitionEpoch + " of "
                    + topicName + "-" + partitionId + " is not the current " + p.partitionEpoch()));
        }
        if (!newIsr.contains(brokerId) || new HashSet<>(newIsr).size() != newIsr.size()
                || !p.replicas().containsAll(newIsr)) {
            return ControllerResult.of(ApiError.of(INVALID_REQUEST, "ISR " + newIsr + " of " + topicName + "-"
                    + partitionId + " must hold the leader and only replicas " + p.replicas() + ", once each"));
        }
        IntPredicate eligible = eligible(image);
        for (int id : newIsr) {
            if (!eligible.test(id) && !p.isr().contains(id)) {
                return ControllerResult.of(ApiError.of(INELIGIBLE_REPLICA, "broker " + id + " cannot join the ISR"
                        + " of " + topicName + "-" + partitionId + ": it is fenced or shutting down"));
            }
        }
        List<MetadataRecord> out = new ArrayList<>();
        change(topic, partitionId, p, p.leader(), newIsr, out);
        return new ControllerResult<>(out, ApiError.NONE);
    }

    /** Moves leadership back to each partition's preferred (first) replica where it is in the ISR and eligible. */
    public static ControllerResult<Integer> electPreferredLeaders(MetadataImage image) {
        IntPredicate eligible = eligible(image);
        List<MetadataRecord> out = new ArrayList<>();
        forEachPartition(image, (topic, id, p) -> {
            int preferred = PartitionLeaderElection.preferredLeader(p.replicas());
            if (p.leader() != preferred
                    && PartitionLeaderElection.preferredIsEligible(p.replicas(), p.isr(), eligible)) {
                change(topic, id, p, preferred, p.isr(), out);
            }
        });
        return new ControllerResult<>(out, out.size());
    }

    private interface PartitionVisitor {
        void visit(TopicImage topic, int partitionId, PartitionRegistration partition);
    }

    private static void forEachPartition(MetadataImage image, PartitionVisitor visitor) {
        for (TopicImage topic : image.topics().values()) {
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                visitor.visit(topic, e.getKey(), e.getValue());
            }
        }
    }

    private static void change(TopicImage topic, int partitionId, PartitionRegistration p, int leader,
                               List<Integer> isr, List<MetadataRecord> out) {
        boolean leaderChanged = leader != p.leader();
        boolean isrChanged = !Objects.equals(isr, p.isr());
        if (!leaderChanged && !isrChanged) {
            return;
        }
        PartitionChangeRecord.Builder change = PartitionChangeRecord.newBuilder().setTopicId(Uuids.toProto(topic.id()))
                .setPartitionId(partitionId);
        if (leaderChanged) {
            change.setLeader(leader);
        }
        if (isrChanged) {
            change.setIsr(BrokerIds.newBuilder().addAllIds(isr));
        }
        out.add(MetadataRecord.newBuilder().setPartitionChange(change).build());
    }
}
