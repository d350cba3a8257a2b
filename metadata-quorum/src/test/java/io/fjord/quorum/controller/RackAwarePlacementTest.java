package io.fjord.quorum.controller;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.fjord.quorum.controller.ReplicaPlacerTest.broker;
import static io.fjord.quorum.controller.ReplicaPlacerTest.fenced;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RackAwarePlacementTest {
    /** Kafka's {@code AdminRackAwareTest}: brokers 0..5 on racks 1, 3, 3, 2, 2, 1. */
    private static final List<BrokerInfo> KAFKA_EXAMPLE = List.of(broker(0, "rack1"), broker(1, "rack3"),
            broker(2, "rack3"), broker(3, "rack2"), broker(4, "rack2"), broker(5, "rack1"));

    @Test
    void theRingAlternatesRacksAsKafkaDoes() {
        assertEquals(List.of(0, 3, 1, 5, 4, 2), RackAlternation.of(KAFKA_EXAMPLE).brokerIds());
        assertEquals(List.of(0, 3, 1, 4, 2), RackAlternation.of(KAFKA_EXAMPLE.subList(0, 5)).brokerIds());
    }

    @Test
    void matchesKafkasRackAwareExample() {
        List<List<Integer>> expected = List.of(List.of(0, 3, 1), List.of(3, 1, 5), List.of(1, 5, 4), List.of(5, 4, 2),
                List.of(4, 2, 0), List.of(2, 0, 3), List.of(0, 4, 2));
        assertEquals(expected, ReplicaPlacer.place(7, 3, KAFKA_EXAMPLE, 0, 0));
    }

    /** Every partition spans min(RF, racks) racks, for racks of unequal sizes and fenced brokers too. */
    @Test
    void everyPartitionSpansAsManyRacksAsItCan() {
        List<BrokerInfo> brokers = List.of(broker(1, "a"), broker(2, "a"), broker(3, "a"), broker(4, "b"),
                fenced(5, "b"), broker(6, "c"), broker(7, "b"), fenced(8, "c"));
        for (int rf = 1; rf <= 6; rf++) {
            for (int p = 1; p <= 30; p++) {
                PlacementInvariants.placeAndCheck(p, rf, brokers, p % 6, 0, p / 3);
            }
        }
    }

    /** With racks of equal size the ring is periodic, so leaders per rack are floor(p/racks) or ceil(p/racks). */
    @Test
    void leadersAreBalancedAcrossRacks() {
        List<BrokerInfo> brokers = new ArrayList<>();
        for (int id = 0; id < 9; id++) {
            brokers.add(broker(id, "rack-" + (id % 3)));
        }
        for (int p = 1; p <= 60; p++) {
            for (int start = 0; start < 9; start++) {
                Map<String, Integer> leadersPerRack = new HashMap<>(Map.of("rack-0", 0, "rack-1", 0, "rack-2", 0));
                for (List<Integer> partition : PlacementInvariants.placeAndCheck(p, 3, brokers, start, 0, 0)) {
                    leadersPerRack.merge("rack-" + (partition.get(0) % 3), 1, Integer::sum);
                }
                PlacementInvariants.assertBalanced(leadersPerRack, p, p + " partitions from " + start + ": "
                        + leadersPerRack);
            }
        }
    }
}
