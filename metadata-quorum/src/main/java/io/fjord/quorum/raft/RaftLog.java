package io.fjord.quorum.raft;

import java.util.List;

/**
 * The replicated log as the Raft core sees it, with its snapshots. Offsets are dense from {@link #startOffset()}.
 * Appends are not durable until {@link #flush()} returns; the core flushes before it acknowledges anything (a leader
 * counting itself toward the high watermark, a follower's next fetch).
 *
 * <p>A snapshot {@code id = (offset, epoch)} is the state machine's image of every entry below {@code offset};
 * {@code epoch} is that of the entry at {@code offset - 1}. Snapshot writes are durable when they return. The log
 * starts at offset 0 or at a snapshot it keeps ({@link #startEpoch()} is that snapshot's epoch), so whatever is below
 * the start can always be served as a snapshot.
 */
public interface RaftLog {
    long startOffset();

    /** Epoch of the last entry below {@link #startOffset()} (the snapshot the log starts at); 0 if it starts at 0. */
    int startEpoch();

    /** The offset the next entry gets. */
    long endOffset();

    /** Epoch of the last entry; {@link #startEpoch()} when the log holds no entry. */
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

    /** The newest snapshot, or null if there is none. */
    OffsetAndEpoch latestSnapshotId();

    /** Whether this log keeps snapshot {@code id}. */
    default boolean hasSnapshot(OffsetAndEpoch id) {
        try {
            snapshotSizeBytes(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Size in bytes of snapshot {@code id}. @throws IllegalArgumentException if this log does not keep it */
    long snapshotSizeBytes(OffsetAndEpoch id);

    /** Up to {@code maxBytes} of snapshot {@code id} from {@code position}. @throws IllegalArgumentException if absent */
    byte[] readSnapshot(OffsetAndEpoch id, long position, int maxBytes);

    /**
     * Stores, durably, {@code data} as snapshot {@code id}, which must be newer than the latest and end within this
     * log, at an entry of {@code id.epoch()}. The log itself is unchanged.
     */
    void writeSnapshot(OffsetAndEpoch id, byte[] data);

    /** Moves the log start up to snapshot {@code id} (which it keeps), dropping older snapshots and the entries below. */
    void deleteBefore(OffsetAndEpoch id);

    /**
     * Stores, durably, a snapshot fetched from the leader. If this log holds the snapshot's last entry (offset
     * {@code id.offset() - 1} in epoch {@code id.epoch()}), the entries after it stay and the log starts at the
     * snapshot; otherwise the log restarts, empty, at {@code id.offset()}. Older snapshots are dropped.
     */
    void installSnapshot(OffsetAndEpoch id, byte[] data);
}
