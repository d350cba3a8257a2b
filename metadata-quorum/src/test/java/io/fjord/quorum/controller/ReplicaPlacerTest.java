package io.fjord.quorum.controller;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ReplicaPlacerTest {
    /** Kafka's documented example ({@code AdminUtils} Javadoc): 5 brokers, 10 partitions, RF 3, start 0. */
    @Test
    void matchesKafkasRackUnawareExample() {
        List<List<Integer>> expected = List.of(
                List.of(0, 1, 2), List.of(1, 2, 3), List.of(2, 3, 4), List.of(3, 4, 0), List.of(4, 0, 1),
                List.of(0, 2, 3), List.of(1, 3, 4), List.of(2, 4, 0), List.of(3, 0, 1), List.of(4, 1, 2));
        assertEquals(expected, ReplicaPlacer.place(10, 3, unracked(0, 1, 2, 3, 4), 0, 0));
    }

    /** Ring 10, 20, 30: leader (1 + i) mod 3; the follower shift starts at the start index and grows every 3. */
    @Test
    void walksTheEligibleBrokersInIdOrderFromTheStartIndex() {
        List<BrokerInfo> brokers = List.of(broker(30, null), broker(10, null), fenced(25, null), broker(20, null));
        assertEquals(List.of(List.of(20, 10), List.of(30, 20), List.of(10, 30), List.of(20, 30)),
                ReplicaPlacer.place(4, 2, brokers, 1, 0));
        assertEquals(ReplicaPlacer.place(4, 2, brokers, 1, 0), ReplicaPlacer.place(4, 2, brokers, 1 + 3 * 2, 0),
                "start index modulo n and n - 1");
    }

    /** For p in 1..60 over n in 1..7: each broker leads floor(p/n) or ceil(p/n), no broker twice in a partition. */
    @Test
    void leadersAreBalancedForEveryPartitionAndBrokerCount() {
        for (int n = 1; n <= 7; n++) {
            for (int p = 1; p <= 60; p++) {
                for (int start = 0; start < n; start++) {
                    PlacementInvariants.placeAndCheck(p, Math.min(3, n), unracked(ids(n)), start, 0, p / 2);
                }
            }
        }
    }

    /** Over whole rounds of n partitions every broker holds the same number of replicas: followers spread too. */
    @Test
    void followersOfConsecutivePartitionsSpreadToo() {
        for (int n = 2; n <= 7; n++) {
            for (int rf = 1; rf <= n; rf++) {
                Map<Integer, Integer> replicas = new HashMap<>();
                ReplicaPlacer.place(4 * n, rf, unracked(ids(n)), 1, 0)
                        .forEach(partition -> partition.forEach(id -> replicas.merge(id, 1, Integer::sum)));
                assertEquals(n, replicas.size());
                int perBroker = 4 * rf;
                assertTrue(replicas.values().stream().allMatch(count -> count == perBroker),
                        n + " brokers: " + replicas);
            }
        }
    }

    @Test
    void aReplicationFactorOfAllBrokersUsesEveryBroker() {
        for (List<Integer> partition : ReplicaPlacer.place(12, 5, unracked(ids(5)), 2, 0)) {
            assertEquals(List.of(0, 1, 2, 3, 4), partition.stream().sorted().toList());
        }
    }

    @Test
    void fencedBrokersAreNeverChosen() {
        List<BrokerInfo> brokers = List.of(broker(1, null), fenced(2, null), broker(3, null), fenced(4, null),
                broker(5, null));
        List<List<Integer>> placed = ReplicaPlacer.place(30, 3, brokers, 0, 0);
        assertTrue(placed.stream().flatMap(List::stream).allMatch(id -> id % 2 == 1), placed.toString());
    }

    @Test
    void addingPartitionsContinuesTheRotation() {
        List<BrokerInfo> brokers = unracked(ids(4));
        List<List<Integer>> whole = ReplicaPlacer.place(9, 3, brokers, 2, 0);
        List<List<Integer>> extended = new ArrayList<>(ReplicaPlacer.place(6, 3, brokers, 2, 0));
        extended.addAll(ReplicaPlacer.place(3, 3, brokers, 2, 6));
        assertEquals(whole, extended);
        assertEquals(whole.subList(5, 9), ReplicaPlacer.place(4, 3, brokers, 2, 5));
    }

    /** partitions, replication factor, brokers, first partition id → the message names the numbers. */
    static Stream<Arguments> refusals() {
        return Stream.of(
            arguments(0, 1, unracked(ids(3)), 0, "number of partitions 0 must be at least 1"),
            arguments(2, 0, unracked(ids(3)), 0, "replication factor 0 must be at least 1"),
            arguments(2, 1, unracked(ids(3)), -1, "partition ids -1 .. 0 are outside"),
            arguments(2, 1, unracked(ids(3)), Integer.MAX_VALUE, "partition ids 2147483647 .. 2147483648 are outside"),
            arguments(1, 3, unracked(ids(2)), 0,
                    "replication factor 3 is larger than the number of available brokers 2"),
            arguments(1, 3, List.of(broker(1, null), fenced(2, null), broker(3, null)), 0,
                    "replication factor 3 is larger than the number of available brokers 2"),
            arguments(1, 1, List.of(), 0, "replication factor 1 is larger than the number of available brokers 0"),
            arguments(1, 1, List.of(broker(1, null), fenced(1, null)), 0, "broker 1 is listed twice"),
            arguments(1, 1, List.of(broker(1, "a"), broker(2, null), broker(3, "b")), 0,
                    "brokers 1, 3 have a rack and 2 does not"),
            arguments(1, 1, List.of(broker(1, "a"), broker(2, null), broker(4, null)), 0,
                    "broker 1 has a rack and 2, 4 do not"));
    }

    @ParameterizedTest(name = "{4}")
    @MethodSource("refusals")
    void refusesWithAMessageNamingTheNumbers(int partitions, int replicationFactor, List<BrokerInfo> brokers,
            int firstPartitionId, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplicaPlacer.place(partitions, replicationFactor, brokers, 0, firstPartitionId));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aFencedBrokerWithoutARackDoesNotMakeTheRacksMixed() {
        List<BrokerInfo> brokers = List.of(broker(1, "a"), fenced(2, null), broker(3, "b"));
        assertEquals(List.of(List.of(1, 3), List.of(3, 1)), ReplicaPlacer.place(2, 2, brokers, 0, 0));
    }

    @Test
    void negativeBrokerIdsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> broker(-1, null));
    }

    static List<BrokerInfo> unracked(int... ids) {
        List<BrokerInfo> brokers = new ArrayList<>();
        for (int id : ids) {
            brokers.add(broker(id, null));
        }
        return brokers;
    }

    static int[] ids(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    static BrokerInfo broker(int id, String rack) {
        return new BrokerInfo(id, rack, false);
    }

    static BrokerInfo fenced(int id, String rack) {
        return new BrokerInfo(id, rack, true);
    }
}
