package io.fjord.client.internal;

import io.fjord.client.Node;
import io.fjord.client.PartitionInfo;

import java.util.ArrayList;
import java.util.List;

/** Partition lists for partitioner tests: {@code count} partitions, those in {@code leaderless} without a leader. */
final class TestPartitions {
    private TestPartitions() {
    }

    static List<PartitionInfo> of(String topic, int count, int... leaderless) {
        Node node = new Node(1, "localhost", 9092, null);
        List<PartitionInfo> out = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            boolean none = false;
            for (int l : leaderless) {
                none |= l == p;
            }
            out.add(new PartitionInfo(topic, p, none ? null : node, 0, List.of(1), List.of(1), List.of()));
        }
        return out;
    }
}
