package io.fjord.broker.replica.core;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The arithmetic of a partition leader's high watermark and in-sync replica set (DESIGN §6), as pure functions over
 * {@code replicaId → logEndOffset}: no threads, clocks or I/O. Stateless and thread-safe.
 *
 * <ul>
 *   <li>HW = min LEO over the ISR, the leader's own LEO included. A follower whose LEO the leader does not know yet
 *       (no fetch since it became leader) holds the HW where it is. The HW never goes back and never passes the
 *       leader's LEO.</li>
 *   <li>While an ISR change is not yet committed, the leader passes the union of the old and new ISR, so the HW never
 *       advances on an ISR the controller has not accepted.</li>
 *   <li>A follower is out of sync when it has not caught up to the leader's LEO for {@code replicaLagTimeMaxMs}.</li>
 * </ul>
 */
public final class HighWatermarkMath {
    private HighWatermarkMath() {
    }

    /**
     * @param currentHw       the HW now
     * @param leaderId        the leader (this broker)
     * @param leaderEndOffset the leader's LEO
     * @param isr             in-sync replicas (the leader among them, or not: it always counts)
     * @param followerEndOffsets LEOs of followers as their fetches reported them; absent means unknown
     * @return the new HW: {@code max(currentHw, min LEO over the ISR)}, at most {@code leaderEndOffset}
     */
    public static long highWatermark(long currentHw, int leaderId, long leaderEndOffset, Collection<Integer> isr,
                                     Map<Integer, Long> followerEndOffsets) {
        long min = leaderEndOffset;
        for (int replica : isr) {
            if (replica == leaderId) {
                continue;
            }
            Long leo = followerEndOffsets.get(replica);
            if (leo == null) {
                return Math.min(currentHw, leaderEndOffset);
            }
            min = Math.min(min, leo);
        }
        return Math.min(Math.max(currentHw, min), leaderEndOffset);
    }

    /** The replicas the HW is computed over while {@code pendingIsr} is not committed: the union with the old one. */
    public static Set<Integer> effectiveIsr(Collection<Integer> committedIsr, Collection<Integer> pendingIsr) {
        Set<Integer> all = new HashSet<>(committedIsr);
        if (pendingIsr != null) {
            all.addAll(pendingIsr);
        }
        return all;
    }

    /**
     * Followers in the ISR that should leave it: not caught up to the leader's LEO within {@code replicaLagTimeMaxMs}.
     *
     * @param lastCaughtUpMs when each follower last had the leader's LEO (absent: never since this leadership began,
     *                       counted from {@code leaderSinceMs})
     */
    public static Set<Integer> outOfSyncReplicas(int leaderId, Collection<Integer> isr, Map<Integer, Long> lastCaughtUpMs,
                                                 long leaderSinceMs, long nowMs, long replicaLagTimeMaxMs) {
        Set<Integer> out = new HashSet<>();
        for (int replica : isr) {
            if (replica == leaderId) {
                continue;
            }
            long caughtUp = lastCaughtUpMs.getOrDefault(replica, leaderSinceMs);
            if (nowMs - caughtUp > replicaLagTimeMaxMs) {
                out.add(replica);
            }
        }
        return out;
    }
}
