package io.fjord.quorum.controller;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The properties every {@link ReplicaPlacer#place} result has; {@code inputs} names the call in failure messages. */
final class PlacementInvariants {
    private PlacementInvariants() {
    }

    /** Places and checks every invariant, including that a split call continues the rotation; returns the result. */
    static List<List<Integer>> placeAndCheck(int partitions, int replicationFactor, List<BrokerInfo> brokers,
            int startIndex, int firstPartitionId, int splitAt) {
        String inputs = "place(" + partitions + ", " + replicationFactor + ", " + brokers + ", " + startIndex + ", "
                + firstPartitionId + ")";
        List<List<Integer>> placed = ReplicaPlacer.place(partitions, replicationFactor, brokers, startIndex,
                firstPartitionId);
        check(placed, partitions, replicationFactor, brokers, inputs);
        assertEquals(placed, ReplicaPlacer.place(partitions, replicationFactor, brokers, startIndex, firstPartitionId),
                "deterministic: " + inputs);
        if (splitAt > 0 && splitAt < partitions) {
            List<List<Integer>> continued = new ArrayList<>(
                    ReplicaPlacer.place(splitAt, replicationFactor, brokers, startIndex, firstPartitionId));
            continued.addAll(ReplicaPlacer.place(partitions - splitAt, replicationFactor, brokers, startIndex,
                    firstPartitionId + splitAt));
            assertEquals(placed, continued, "adding partitions after " + splitAt + " continues the rotation: "
                    + inputs);
        }
        return placed;
    }

    static void check(List<List<Integer>> placed, int partitions, int replicationFactor, List<BrokerInfo> brokers,
            String inputs) {
        Map<Integer, BrokerInfo> eligible = brokers.stream().filter(b -> !b.fenced())
                .collect(Collectors.toMap(BrokerInfo::id, b -> b));
        assertEquals(partitions, placed.size(), "one replica list per partition: " + inputs);
        Map<Integer, Integer> leaderships = new HashMap<>();
        eligible.keySet().forEach(id -> leaderships.put(id, 0));
        long rackCount = eligible.values().stream().map(BrokerInfo::rack).distinct().count();
        for (List<Integer> replicas : placed) {
            String where = replicas + " in " + placed + ": " + inputs;
            assertEquals(replicationFactor, replicas.size(), "replication factor of " + where);
            assertEquals(replicationFactor, new HashSet<>(replicas).size(), "a broker twice in " + where);
            assertTrue(eligible.keySet().containsAll(replicas), "a fenced or unknown broker in " + where);
            leaderships.merge(replicas.get(0), 1, Integer::sum);
            Set<String> racks = replicas.stream().map(id -> eligible.get(id).rack()).collect(Collectors.toSet());
            assertEquals(Math.min(replicationFactor, rackCount), racks.size(), "distinct racks of " + where);
        }
        assertBalanced(leaderships, partitions, "leaders per broker " + leaderships + ": " + inputs);
    }

    /** Every count is floor or ceil of {@code total / counts.size()}. */
    static void assertBalanced(Map<?, Integer> counts, int total, String message) {
        int floor = total / counts.size();
        int ceil = (total + counts.size() - 1) / counts.size();
        for (int count : counts.values()) {
            assertTrue(count == floor || count == ceil, message);
        }
    }
}
