package io.fjord.quorum.controller;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses the replicas of new partitions: Kafka's classic {@code AdminUtils.assignReplicasToBrokers}, made
 * deterministic by taking the start index as an argument (the caller draws it from its injected random source).
 *
 * <p>The rule. Only unfenced brokers are eligible; they are arranged on a ring of {@code n} brokers. Without racks the
 * ring is the eligible brokers in id order; with racks it is the rack-alternated list ({@link RackAlternation}). For
 * partition id {@code i}, with {@code shift = start + i / n} (it grows by one every {@code n} partitions):
 * <ul>
 *   <li>the first replica, the preferred leader, is {@code ring[(start + i) mod n]}, so leaders go round-robin and
 *       each broker leads {@code floor(p/n)} or {@code ceil(p/n)} of {@code p} consecutive partitions;</li>
 *   <li>follower candidates are, for {@code k = 0, 1, ...}, {@code ring[(first + 1 + (shift * racks + k) mod (n - 1))
 *       mod n]}, which is DESIGN §5's {@code (i + j + start) mod n} with the shift that also spreads the followers of
 *       consecutive partitions ({@code racks} is 1 without racks);</li>
 *   <li>a candidate is taken unless its rack already holds a replica of the partition while some rack holds none, or
 *       it already holds one. Without racks every broker is in the same single rack, so this is Kafka's rack-unaware
 *       assignment exactly; with racks each partition spans {@code min(RF, racks)} distinct racks.</li>
 * </ul>
 * Partition id {@code i} determines its replicas, so adding partitions to a topic (a later {@code firstPartitionId})
 * continues the rotation of the first call. Either every eligible broker has a rack or none has.
 *
 * <p>Stateless and thread-safe.
 */
public final class ReplicaPlacer {
    private ReplicaPlacer() {
    }

    /**
     * The ordered replicas of partitions {@code firstPartitionId .. firstPartitionId + partitions - 1}, in that order;
     * the first replica of each is its preferred leader.
     *
     * @param startIndex where on the ring the rotation starts; any int (taken modulo the ring size)
     * @throws IllegalArgumentException if {@code partitions < 1}, {@code replicationFactor < 1},
     *         {@code firstPartitionId < 0}, a broker id is listed twice, the replication factor exceeds the number of
     *         unfenced brokers, or some unfenced brokers have a rack and others do not
     */
    public static List<List<Integer>> place(int partitions, int replicationFactor, List<BrokerInfo> brokers,
            int startIndex, int firstPartitionId) {
        checkCounts(partitions, replicationFactor, firstPartitionId);
        List<BrokerInfo> eligible = eligibleInIdOrder(brokers);
        if (replicationFactor > eligible.size()) {
            throw new IllegalArgumentException("replication factor " + replicationFactor
                    + " is larger than the number of available brokers " + eligible.size());
        }
        RackAlternation ring = RackAlternation.of(eligible);
        List<List<Integer>> assignment = new ArrayList<>(partitions);
        for (int i = 0; i < partitions; i++) {
            assignment.add(placeOne(ring, replicationFactor, startIndex, firstPartitionId + i));
        }
        return List.copyOf(assignment);
    }

    private static List<Integer> placeOne(RackAlternation ring, int replicationFactor, int startIndex,
            int partitionId) {
        int n = ring.size();
        int first = Math.floorMod((long) startIndex + partitionId, n);
        long shift = ((long) startIndex + partitionId / n) * ring.rackCount();
        List<Integer> replicas = new ArrayList<>(replicationFactor);
        Set<String> racksUsed = new HashSet<>();
        replicas.add(ring.brokerAt(first));
        racksUsed.add(ring.rackAt(first));
        // any n - 1 consecutive k visit every other broker once, and RF <= n, so this ends within RF * (n - 1) steps
        for (long k = 0; replicas.size() < replicationFactor; k++) {
            int index = (first + 1 + (int) Math.floorMod(shift + k, (long) (n - 1))) % n;
            int broker = ring.brokerAt(index);
            boolean rackNewOrAllUsed = !racksUsed.contains(ring.rackAt(index)) || racksUsed.size() == ring.rackCount();
            if (rackNewOrAllUsed && !replicas.contains(broker)) {
                replicas.add(broker);
                racksUsed.add(ring.rackAt(index));
            }
        }
        return List.copyOf(replicas);
    }

    private static void checkCounts(int partitions, int replicationFactor, int firstPartitionId) {
        if (partitions < 1) {
            throw new IllegalArgumentException("number of partitions " + partitions + " must be at least 1");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " must be at least 1");
        }
        if (firstPartitionId < 0 || firstPartitionId > Integer.MAX_VALUE - (partitions - 1)) {
            throw new IllegalArgumentException("partition ids " + firstPartitionId + " .. "
                    + ((long) firstPartitionId + partitions - 1) + " are outside 0 .. " + Integer.MAX_VALUE);
        }
    }

    /** The unfenced brokers sorted by id; refuses a broker listed twice. */
    private static List<BrokerInfo> eligibleInIdOrder(List<BrokerInfo> brokers) {
        Set<Integer> seen = new HashSet<>();
        List<BrokerInfo> eligible = new ArrayList<>();
        for (BrokerInfo broker : brokers) {
            if (!seen.add(broker.id())) {
                throw new IllegalArgumentException("broker " + broker.id() + " is listed twice");
            }
            if (!broker.fenced()) {
                eligible.add(broker);
            }
        }
        eligible.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return eligible;
    }
}
