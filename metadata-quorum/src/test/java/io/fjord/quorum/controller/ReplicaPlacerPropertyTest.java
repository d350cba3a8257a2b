package io.fjord.quorum.controller;

import io.fjord.storage.testkit.Seeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link ReplicaPlacer} over random clusters: {@value #DEFAULT_SEEDS} seeds by default, {@code -Dfjord.test.seeds=N}
 * for more, {@code -Dfjord.test.seed=N} to replay one (a failure prints its seed, inputs and replay command).
 */
class ReplicaPlacerPropertyTest {
    static final int DEFAULT_SEEDS = 500;

    @Test
    void randomClustersKeepEveryInvariant() {
        int[] runs = {0};
        Seeds.run(ReplicaPlacerPropertyTest.class, "randomClustersKeepEveryInvariant", DEFAULT_SEEDS, seed -> {
            runOne(new SplittableRandom(seed));
            runs[0]++;
        });
        System.out.println("ReplicaPlacerPropertyTest: " + runs[0]
                + " seeds passed; replay one with -Dfjord.test.seed=N");
    }

    private static void runOne(SplittableRandom random) {
        List<BrokerInfo> brokers = randomCluster(random);
        long eligible = brokers.stream().filter(b -> !b.fenced()).count();
        int replicationFactor = 1 + random.nextInt((int) eligible);
        int partitions = 1 + random.nextInt(50);
        int startIndex = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(brokers.size());
        int firstPartitionId = random.nextBoolean() ? 0 : random.nextInt(200);
        PlacementInvariants.placeAndCheck(partitions, replicationFactor, brokers, startIndex, firstPartitionId,
                random.nextInt(partitions + 1));
    }

    /** 1..12 brokers with sparse ids in random order, some fenced (at least one not), all racked or none. */
    private static List<BrokerInfo> randomCluster(SplittableRandom random) {
        int count = 1 + random.nextInt(12);
        int racks = random.nextBoolean() ? 0 : 1 + random.nextInt(4);
        List<BrokerInfo> brokers = new ArrayList<>();
        int id = random.nextInt(3);
        for (int i = 0; i < count; i++) {
            String rack = racks == 0 ? null : "rack-" + (char) ('a' + random.nextInt(racks));
            brokers.add(new BrokerInfo(id, rack, i > 0 && random.nextInt(4) == 0));
            id += 1 + random.nextInt(3);
        }
        Collections.shuffle(brokers, new java.util.Random(random.nextLong()));
        return brokers;
    }
}
