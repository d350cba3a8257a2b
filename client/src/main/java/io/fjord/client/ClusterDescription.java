package io.fjord.client;

import java.util.List;
import java.util.Set;

/** The cluster id, the active controller (-1: none known) and every registered broker. Immutable. */
public record ClusterDescription(String clusterId, int controllerId, List<Node> brokers, Set<Integer> fencedBrokerIds) {
    public ClusterDescription {
        brokers = List.copyOf(brokers);
        fencedBrokerIds = Set.copyOf(fencedBrokerIds);
    }
}
