package io.fjord.client.internal;

import io.fjord.client.ConsumerRecord;
import io.fjord.client.FjordException;
import io.fjord.client.TopicPartition;

import java.util.List;

/**
 * Decoded records of one fetched partition, handed out in slices of at most {@code max.poll.records}. Not
 * thread-safe.
 */
final class PartitionRecords {
    final TopicPartition tp;
    private final List<ConsumerRecord> records;
    private final long nextFetchOffset;
    private final FjordException error;
    private int index;
    private long position;

    PartitionRecords(TopicPartition tp, List<ConsumerRecord> records, long fetchOffset, long nextFetchOffset) {
        this(tp, records, fetchOffset, nextFetchOffset, null);
    }

    private PartitionRecords(TopicPartition tp, List<ConsumerRecord> records, long fetchOffset, long nextFetchOffset,
                             FjordException error) {
        this.tp = tp;
        this.records = records;
        this.position = fetchOffset;
        this.nextFetchOffset = nextFetchOffset;
        this.error = error;
    }

    /** An answer fetched ahead that cannot be used: its error is raised once the position reaches it. */
    static PartitionRecords failed(TopicPartition tp, long fetchOffset, FjordException error) {
        return new PartitionRecords(tp, List.of(), fetchOffset, fetchOffset, error);
    }

    /** The error to raise at this position, or null. */
    FjordException error() {
        return error;
    }

    /** Where the fetch after this one starts. */
    long nextFetchOffset() {
        return nextFetchOffset;
    }

    /** The position of the consumer once the records handed out so far are consumed. */
    long position() {
        return position;
    }

    List<ConsumerRecord> take(int max) {
        int end = Math.min(records.size(), index + max);
        List<ConsumerRecord> out = records.subList(index, end);
        index = end;
        position = index == records.size() ? nextFetchOffset : records.get(index).offset();
        return List.copyOf(out);
    }

    boolean isEmpty() {
        return index >= records.size();
    }
}
