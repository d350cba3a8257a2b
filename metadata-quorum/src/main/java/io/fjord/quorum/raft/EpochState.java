package io.fjord.quorum.raft;

/**
 * The role of a node in one epoch. Transitions (all through {@link RaftNode}; a higher epoch seen anywhere moves a
 * node to Unattached or Follower of that epoch first):
 * <pre>
 * Unattached  --election timeout (voter)------------> Prospective
 * Unattached  --BeginQuorumEpoch / fetch answer-----> Follower
 * Prospective --majority of pre-votes---------------> Candidate (epoch + 1, votes for itself)
 * Prospective --timeout-----------------------------> Prospective (new round)
 * Candidate   --majority of votes-------------------> Leader
 * Candidate   --timeout-----------------------------> Prospective
 * Follower    --no answer from leader for fetch timeout (voter)--> Prospective; (observer) --> Unattached
 * Leader      --resign(), or no majority fetched for 1.5 x fetch timeout--> Resigned (sends EndQuorumEpoch)
 * Resigned    --election timeout--------------------> Prospective
 * </pre>
 */
sealed interface EpochState permits UnattachedState, ProspectiveState, CandidateState, LeaderState, FollowerState,
        ResignedState {
    int epoch();

    /** The leader of this epoch if known, else {@link QuorumState#NONE}. */
    default int leaderId() {
        return QuorumState.NONE;
    }

    String name();
}
