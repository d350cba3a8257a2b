package io.fjord.quorum.controller;

import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.MetadataSnapshot;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.quorum.metadata.TopicImage;

import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * What must hold of every metadata image the controller produces, and between consecutive images. Throws
 * {@link AssertionError} naming the partition or broker that breaks a rule.
 */
final class ControllerInvariants {
    private ControllerInvariants() {
    }

    /** The rules of one image, the rules between {@code before} and {@code after}, and a snapshot round trip. */
    static void check(MetadataImage before, MetadataImage after) {
        check(after);
        checkTransition(before, after);
        MetadataImage loaded = MetadataSnapshot.load(MetadataSnapshot.encode(MetadataSnapshot.records(after)),
                after.endOffset());
        require(loaded.equals(after), "a snapshot rebuilds a different image:\n  image    %s\n  snapshot %s", after,
                loaded);
    }

    /**
     * Every partition: replicas distinct and non-empty; ISR non-empty, distinct, within the replicas; the leader -1 or
     * an ISR member that is registered, unfenced and not shutting down; a fenced or shutting-down broker in an ISR
     * only as the last member of an offline partition.
     */
    static void check(MetadataImage image) {
        for (TopicImage topic : image.topics().values()) {
            require(topic.name().equals(image.topicNames().get(topic.id())), "topic %s is not indexed by its id",
                    topic.name());
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                checkPartition(image, topic.name() + "-" + e.getKey(), e.getValue());
            }
        }
        require(image.topicNames().size() == image.topics().size(), "topic ids %s for topics %s",
                image.topicNames(), image.topics().keySet());
        for (String configured : image.configs().keySet()) {
            require(image.topic(configured) != null, "configs of a topic that does not exist: %s", configured);
        }
        for (BrokerRegistration b : image.brokers().values()) {
            require(b.epoch() <= image.lastBrokerEpoch(), "broker %s epoch above the last handed out %s", b,
                    image.lastBrokerEpoch());
            require(!(b.fenced() && b.inControlledShutdown()), "broker %d fenced and in controlled shutdown", b.id());
        }
    }

    private static void checkPartition(MetadataImage image, String name, PartitionRegistration p) {
        List<Integer> replicas = p.replicas();
        List<Integer> isr = p.isr();
        require(!replicas.isEmpty() && new HashSet<>(replicas).size() == replicas.size(), "%s replicas %s", name,
                replicas);
        require(!isr.isEmpty(), "%s has an empty ISR: %s", name, p);
        require(new HashSet<>(isr).size() == isr.size() && replicas.containsAll(isr), "%s ISR %s not within %s", name,
                isr, replicas);
        if (p.hasLeader()) {
            require(isr.contains(p.leader()), "%s leader %d outside the ISR %s", name, p.leader(), isr);
            require(eligible(image, p.leader()), "%s led by %s", name, image.brokers().get(p.leader()));
        }
        for (int member : isr) {
            require(eligible(image, member) || !p.hasLeader() && isr.size() == 1,
                    "%s keeps ineligible broker %s in its ISR %s (leader %d)", name, image.brokers().get(member), isr,
                    p.leader());
        }
    }

    private static void checkTransition(MetadataImage before, MetadataImage after) {
        require(after.endOffset() >= before.endOffset(), "end offset went back");
        require(after.nextProducerId() >= before.nextProducerId(), "producer ids went back");
        require(after.lastBrokerEpoch() >= before.lastBrokerEpoch(), "broker epochs went back");
        for (BrokerRegistration was : before.brokers().values()) {
            BrokerRegistration now = after.brokers().get(was.id());
            require(now != null && now.epoch() >= was.epoch(), "broker %d went from %s to %s", was.id(), was, now);
        }
        for (TopicImage topic : after.topics().values()) {
            TopicImage old = before.topic(topic.name());
            if (old == null || !old.id().equals(topic.id())) {
                continue;
            }
            old.partitions().forEach((id, was) -> {
                PartitionRegistration now = topic.partitions().get(id);
                String name = topic.name() + "-" + id;
                require(now != null, "%s disappeared", name);
                require(now.replicas().equals(was.replicas()), "%s replicas changed %s -> %s", name, was, now);
                require(now.leaderEpoch() >= was.leaderEpoch() && now.partitionEpoch() >= was.partitionEpoch(),
                        "%s epochs went back: %s -> %s", name, was, now);
                require(now.leader() == was.leader() || now.leaderEpoch() > was.leaderEpoch(),
                        "%s leader changed without a new leader epoch: %s -> %s", name, was, now);
                require(now.equals(was) || now.partitionEpoch() > was.partitionEpoch(),
                        "%s changed without a new partition epoch: %s -> %s", name, was, now);
            });
        }
    }

    static boolean eligible(MetadataImage image, int brokerId) {
        BrokerRegistration b = image.brokers().get(brokerId);
        return b != null && !b.fenced() && !b.inControlledShutdown();
    }

    private static void require(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(format, args));
        }
    }
}
