package io.fjord.quorum.raft;

import java.util.HashSet;
import java.util.Set;

/** The voters that granted a (pre-)vote in one round, the candidate itself included. */
final class VoteTally {
    private final Set<Integer> grants = new HashSet<>();

    VoteTally(int localId) {
        grants.add(localId);
    }

    /** Records a grant; returns the number of distinct voters that granted so far. */
    int grant(int voterId) {
        grants.add(voterId);
        return grants.size();
    }
}
