package io.fjord.quorum.controller;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The ring of eligible brokers that {@link ReplicaPlacer} walks: Kafka's rack-alternated broker list.
 *
 * <p>Racks are taken in name order and brokers within a rack in id order; the list takes the next broker of each
 * rack in turn, skipping racks that ran out (racks a: 0, 5; b: 3, 4; c: 1, 2 give 0, 3, 1, 5, 4, 2). Consecutive
 * positions therefore sit on different racks while every rack still has brokers left. Without racks the ring is the
 * brokers in id order, all in one implicit rack ({@link #rackAt} is {@code null}). Immutable.
 */
final class RackAlternation {
    private final int[] brokerIds;
    private final String[] racks;
    private final int rackCount;

    private RackAlternation(int[] brokerIds, String[] racks, int rackCount) {
        this.brokerIds = brokerIds;
        this.racks = racks;
        this.rackCount = rackCount;
    }

    /**
     * The ring over {@code brokers}, which must be sorted by id.
     *
     * @throws IllegalArgumentException if some brokers have a rack and others do not
     */
    static RackAlternation of(List<BrokerInfo> brokers) {
        List<BrokerInfo> withRack = brokers.stream().filter(BrokerInfo::hasRack).collect(Collectors.toList());
        if (withRack.isEmpty()) {
            return new RackAlternation(brokers.stream().mapToInt(BrokerInfo::id).toArray(),
                    new String[brokers.size()], 1);
        }
        if (withRack.size() < brokers.size()) {
            List<BrokerInfo> withoutRack = brokers.stream().filter(b -> !b.hasRack()).collect(Collectors.toList());
            throw new IllegalArgumentException("either every available broker has a rack or none has, but "
                    + describe(withRack, "broker", "has", "have") + " a rack and "
                    + describe(withoutRack, "", "does", "do") + " not");
        }
        Map<String, ArrayDeque<BrokerInfo>> byRack = new TreeMap<>();
        for (BrokerInfo broker : brokers) {
            byRack.computeIfAbsent(broker.rack(), rack -> new ArrayDeque<>()).add(broker);
        }
        List<BrokerInfo> alternated = new ArrayList<>(brokers.size());
        while (alternated.size() < brokers.size()) {
            for (ArrayDeque<BrokerInfo> rack : byRack.values()) {
                if (!rack.isEmpty()) {
                    alternated.add(rack.poll());
                }
            }
        }
        return new RackAlternation(alternated.stream().mapToInt(BrokerInfo::id).toArray(),
                alternated.stream().map(BrokerInfo::rack).toArray(String[]::new), byRack.size());
    }

    int size() {
        return brokerIds.length;
    }

    int brokerAt(int index) {
        return brokerIds[index];
    }

    /** The rack of the broker at {@code index}; {@code null} on a ring without racks. */
    String rackAt(int index) {
        return racks[index];
    }

    /** The number of distinct racks; 1 on a ring without racks. */
    int rackCount() {
        return rackCount;
    }

    /** The broker ids in ring order. */
    List<Integer> brokerIds() {
        return Arrays.stream(brokerIds).boxed().collect(Collectors.toUnmodifiableList());
    }

    /** "brokers 1, 3 have", "broker 1 has", "2 does", "2, 4 do". */
    private static String describe(List<BrokerInfo> brokers, String noun, String singularVerb, String pluralVerb) {
        boolean one = brokers.size() == 1;
        String ids = brokers.stream().map(b -> Integer.toString(b.id())).collect(Collectors.joining(", "));
        String prefix = noun.isEmpty() ? "" : noun + (one ? " " : "s ");
        return prefix + ids + " " + (one ? singularVerb : pluralVerb);
    }
}
