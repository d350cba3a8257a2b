package io.fjord.quorum.controller;

import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * Chooses a partition's leader (DESIGN §5, Kafka's {@code PartitionChangeBuilder} election):
 * <ol>
 *   <li>the first replica in assignment order that is in the ISR and unfenced, with the ISR unchanged;</li>
 *   <li>otherwise, only if {@code unclean.leader.election.enable} is on for the topic: the first unfenced replica
 *       (necessarily outside the ISR), which may have lost committed records; the ISR becomes just that replica;</li>
 *   <li>otherwise none: the leader is {@link #NO_LEADER} (the partition is offline) and the ISR is left as it is, never
 *       emptied, so that an ISR member coming back can be elected cleanly.</li>
 * </ol>
 * ISR members that are not replicas are never elected. Stateless and thread-safe.
 */
public final class PartitionLeaderElection {
    /** The leader id of an offline partition. */
    public static final int NO_LEADER = -1;

    /**
     * The outcome of an election.
     *
     * @param leader  the elected broker, or {@link #NO_LEADER}
     * @param isr     the ISR to record with it: the input ISR in its order, or {@code [leader]} after an unclean
     *                election
     * @param unclean whether the leader was taken from outside the ISR
     */
    public record Election(int leader, List<Integer> isr, boolean unclean) {
        public Election {
            isr = List.copyOf(isr);
        }

        /** Whether a leader was found; {@code false} means the partition is offline. */
        public boolean hasLeader() {
            return leader != NO_LEADER;
        }
    }

    private PartitionLeaderElection() {
    }

    /**
     * Elects a leader among {@code replicas} by the rule in the class comment.
     *
     * @param isUnfenced whether a broker id is registered and unfenced
     */
    public static Election elect(List<Integer> replicas, List<Integer> isr, IntPredicate isUnfenced,
            boolean uncleanLeaderElectionEnable) {
        Objects.requireNonNull(isUnfenced, "isUnfenced");
        for (int replica : replicas) {
            if (isr.contains(replica) && isUnfenced.test(replica)) {
                return new Election(replica, isr, false);
            }
        }
        if (uncleanLeaderElectionEnable) {
            for (int replica : replicas) {
                if (isUnfenced.test(replica)) {
                    return new Election(replica, List.of(replica), true);
                }
            }
        }
        return new Election(NO_LEADER, isr, false);
    }

    /** The preferred leader: the first replica in assignment order, or {@link #NO_LEADER} if there is none. */
    public static int preferredLeader(List<Integer> replicas) {
        return replicas.isEmpty() ? NO_LEADER : replicas.get(0);
    }

    /**
     * Whether the preferred leader could be elected cleanly now: it is in the ISR and unfenced. Preferred-leader
     * rebalancing and controlled shutdown move leadership back to it only then.
     */
    public static boolean preferredIsEligible(List<Integer> replicas, List<Integer> isr, IntPredicate isUnfenced) {
        int preferred = preferredLeader(replicas);
        return preferred != NO_LEADER && isr.contains(preferred) && isUnfenced.test(preferred);
    }
}
