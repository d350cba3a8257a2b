package io.fjord.quorum.controller;

import java.util.ArrayList;
import java.util.List;

/**
 * ISR edits the controller makes on its own (a broker fenced or shutting down), as opposed to those a leader asks for
 * with {@code AlterPartition}.
 *
 * <p>The rule (Kafka's): an ISR is never left empty. Removing its only member keeps it as the ISR, and the partition
 * goes offline with leader {@link PartitionLeaderElection#NO_LEADER} instead; that last member holds every committed
 * record, so when it comes back it can be elected cleanly. Stateless and thread-safe.
 */
public final class IsrChanges {
    private IsrChanges() {
    }

    /**
     * The ISR without {@code brokerId}, in its order; unchanged if the broker is not a member, and {@code [brokerId]}
     * if it is the only member.
     */
    public static List<Integer> removeBroker(List<Integer> isr, int brokerId) {
        if (!isr.contains(brokerId) || isr.size() == 1) {
            return List.copyOf(isr);
        }
        List<Integer> remaining = new ArrayList<>(isr.size() - 1);
        for (int member : isr) {
            if (member != brokerId) {
                remaining.add(member);
            }
        }
        return remaining.isEmpty() ? List.of(brokerId) : List.copyOf(remaining);
    }
}
