package io.fjord.quorum.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a metadata change means to one broker for one partition: it became (or stays, in a new leader epoch) the
 * leader, a follower of {@code leaderId}, or stopped being a replica. Brokers publish these to their replica manager.
 */
public record LeadershipChange(String topic, int partition, Role role, int leaderId, int leaderEpoch,
                               PartitionRegistration registration) {
    public enum Role { LEADER, FOLLOWER, REMOVED }

    /**
     * The changes for {@code brokerId} between two images: replicas of deleted topics first, then per topic and
     * partition.
     */
    public static List<LeadershipChange> between(MetadataImage before, MetadataImage after, int brokerId) {
        List<LeadershipChange> out = new ArrayList<>();
        // removals first: a topic deleted and created again under its name must be gone before it is back
        for (TopicImage old : before.topics().values()) {
            TopicImage now = after.topic(old.name());
            if (now == null || !now.id().equals(old.id())) {
                old.partitions().forEach((id, p) -> {
                    if (p.replicas().contains(brokerId)) {
                        out.add(new LeadershipChange(old.name(), id, Role.REMOVED, -1, p.leaderEpoch(), p));
                    }
                });
            }
        }
        for (TopicImage topic : after.topics().values()) {
            TopicImage old = before.topic(topic.name());
            boolean sameTopic = old != null && old.id().equals(topic.id());
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                PartitionRegistration now = e.getValue();
                PartitionRegistration was = sameTopic ? old.partitions().get(e.getKey()) : null;
                boolean replicaNow = now.replicas().contains(brokerId);
                boolean replicaBefore = was != null && was.replicas().contains(brokerId);
                if (replicaNow && (was == null || !replicaBefore || was.leader() != now.leader()
                        || was.leaderEpoch() != now.leaderEpoch() || !Objects.equals(was.isr(), now.isr()))) {
                    out.add(new LeadershipChange(topic.name(), e.getKey(), now.leader() == brokerId ? Role.LEADER
                            : Role.FOLLOWER, now.leader(), now.leaderEpoch(), now));
                } else if (!replicaNow && replicaBefore) {
                    out.add(new LeadershipChange(topic.name(), e.getKey(), Role.REMOVED, now.leader(),
                            now.leaderEpoch(), now));
                }
            }
        }
        return out;
    }
}
