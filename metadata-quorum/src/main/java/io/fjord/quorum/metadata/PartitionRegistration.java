package io.fjord.quorum.metadata;

import java.util.List;

/**
 * One partition's replicas (assignment order; the first is the preferred leader), in-sync replicas, leader (-1 when
 * offline), leader epoch (bumped on every leader change) and partition epoch (bumped on any change).
 */
public record PartitionRegistration(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                                    int partitionEpoch) {
    public static final int NO_LEADER = -1;

    public PartitionRegistration {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    /** The registration after a change: a new leader bumps the leader epoch, and any change the partition epoch. */
    PartitionRegistration change(Integer newLeader, List<Integer> newIsr) {
        int leaderNow = newLeader == null ? leader : newLeader;
        List<Integer> isrNow = newIsr == null ? isr : newIsr;
        boolean leaderChanged = leaderNow != leader;
        return new PartitionRegistration(replicas, isrNow, leaderNow, leaderChanged ? leaderEpoch + 1 : leaderEpoch,
                partitionEpoch + 1);
    }

    public boolean hasLeader() {
        return leader != NO_LEADER;
    }
}
