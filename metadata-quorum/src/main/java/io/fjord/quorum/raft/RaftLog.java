package io.fjord.quorum.raft;

import java.util.List;

/**
 * The replicated log as the Raft core sees it. Offsets are dense from {@link #startOffset()}. Appends are not
 * durable until {@link #flush()} returns; the core flushes before it acknowledges anything (a leader counting
 * itself toward the high watermark, a follower's next fetch).
 */
public interface RaftLog {
    long startOffset();

    /** The offset the next entry gets. */
    long endOffset();

    /** Epoch of the last entry, or 0 for an empty log. */
    int lastEpoch();

    void append(List<LogEntry> entries);

    /** Entries from {@code fromOffset}, at most {@code maxEntries}. */
    List<LogEntry> read(long fromOffset, int maxEntries);

    /** Removes every entry at or above {@code offset}. */
    void truncateTo(long offset);

    /**
     * Where {@code epoch} ends on this log (exclusive) and the largest epoch at or below it that the log holds;
     * for the latest epoch, the log end. Kafka's {@code endOffsetForEpoch}.
     */
    OffsetAndEpoch endOffsetForEpoch(int epoch);

    /** Makes every append so far durable. */
    void flush();
}
