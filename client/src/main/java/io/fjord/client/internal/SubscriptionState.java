package io.fjord.client.internal;

import io.fjord.client.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The consumer's assigned partitions and, per partition, its position (the offset of the next record to return)
 * or a pending reset (to the earliest or latest offset). Not thread-safe: owned by the consumer's thread.
 */
public final class SubscriptionState {
    /** Where a partition without a valid position starts. */
    public enum ResetStrategy { EARLIEST, LATEST, NONE }

    private static final class PartitionState {
        Long position;
        ResetStrategy pendingReset;
    }

    private final ResetStrategy defaultStrategy;
    private final Map<TopicPartition, PartitionState> assignment = new LinkedHashMap<>();

    public SubscriptionState(ResetStrategy defaultStrategy) {
        this.defaultStrategy = defaultStrategy;
    }

    public static ResetStrategy parse(String autoOffsetReset) {
        return ResetStrategy.valueOf(autoOffsetReset.toUpperCase(java.util.Locale.ROOT));
    }

    /** Replaces the assignment; positions of partitions kept are kept. */
    public void assign(Collection<TopicPartition> partitions) {
        Map<TopicPartition, PartitionState> next = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            next.put(tp, assignment.getOrDefault(tp, new PartitionState()));
        }
        assignment.clear();
        assignment.putAll(next);
    }

    public Set<TopicPartition> assigned() {
        return assignment.keySet();
    }

    public boolean isAssigned(TopicPartition tp) {
        return assignment.containsKey(tp);
    }

    /** The position, or null when there is none yet (or a reset is pending). */
    public Long position(TopicPartition tp) {
        PartitionState s = state(tp);
        return s.pendingReset == null ? s.position : null;
    }

    public void seek(TopicPartition tp, long offset) {
        PartitionState s = state(tp);
        s.position = offset;
        s.pendingReset = null;
    }

    public void requestReset(TopicPartition tp, ResetStrategy strategy) {
        state(tp).pendingReset = strategy;
    }

    /** Resets with the configured {@code auto.offset.reset} (after OFFSET_OUT_OF_RANGE). */
    public void requestDefaultReset(TopicPartition tp) {
        requestReset(tp, defaultStrategy);
    }

    public ResetStrategy defaultStrategy() {
        return defaultStrategy;
    }

    /** Partitions with no position and the strategy to find one (the default where none was asked for). */
    public Map<TopicPartition, ResetStrategy> partitionsNeedingReset() {
        Map<TopicPartition, ResetStrategy> out = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, PartitionState> e : assignment.entrySet()) {
            PartitionState s = e.getValue();
            if (s.pendingReset != null) {
                out.put(e.getKey(), s.pendingReset);
            } else if (s.position == null) {
                out.put(e.getKey(), defaultStrategy);
            }
        }
        return out;
    }

    /** Partitions that have a position (so can be fetched). */
    public List<TopicPartition> fetchablePartitions() {
        List<TopicPartition> out = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionState> e : assignment.entrySet()) {
            if (e.getValue().pendingReset == null && e.getValue().position != null) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    private PartitionState state(TopicPartition tp) {
        PartitionState s = assignment.get(tp);
        if (s == null) {
            throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
        }
        return s;
    }
}
