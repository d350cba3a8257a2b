package io.fjord.client.internal;

import io.fjord.client.ConsumerRecord;
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
    private int index;
    private long position;

    PartitionRecords(TopicPartition tp, List<ConsumerRecord> records, long fetchOffset, long nextFetchOffset) {
        this.tp = tp;
        this.records = records;
        this.position = fetchOffset;
        this.nextFetchOffset = nextFetchOffset;
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
