package io.fjord.storage.index;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from timestamp to offset for one segment. File format: a sequence of 12-byte entries, big-endian:
 * {@code timestamp int64} and {@code relativeOffset int32}. An entry {@code (t, o)} means: no batch before the one
 * ending at offset {@code o} has a timestamp above {@code t}, and {@code t} is the largest timestamp up to there.
 * Both fields strictly increase. Written alongside offset index entries, when the segment's max timestamp grew.
 */
public final class TimeIndex extends AbstractIndex {
    public static final String SUFFIX = ".timeindex";
    private static final int ENTRY_SIZE = 12;

    public TimeIndex(Path file, long baseOffset, int maxIndexSizeBytes) {
        super(file, baseOffset, maxIndexSizeBytes);
    }

    @Override
    protected int entrySize() {
        return ENTRY_SIZE;
    }

    @Override
    protected long keyAt(ByteBuffer buf, int n) {
        return buf.getLong(n * ENTRY_SIZE);
    }

    private long offsetAt(ByteBuffer buf, int n) {
        return baseOffset + buf.getInt(n * ENTRY_SIZE + 8);
    }

    /** The last entry whose timestamp is at most {@code timestamp}, or (-1, baseOffset) when there is none. */
    public TimestampOffset lookup(long timestamp) {
        State state = snapshot();
        ByteBuffer buf = state.view();
        int slot = largestLowerBound(state, timestamp);
        return slot < 0 ? new TimestampOffset(-1L, baseOffset) : new TimestampOffset(keyAt(buf, slot), offsetAt(buf, slot));
    }

    public TimestampOffset lastEntry() {
        State state = snapshot();
        int n = state.entries();
        if (n == 0) {
            return new TimestampOffset(-1L, baseOffset);
        }
        ByteBuffer buf = state.view();
        return new TimestampOffset(keyAt(buf, n - 1), offsetAt(buf, n - 1));
    }

    /** Appends if both the timestamp and the offset exceed the last entry's; otherwise does nothing. */
    public void maybeAppend(long timestamp, long offset) {
        if (entries() > 0) {
            TimestampOffset last = lastEntry();
            if (timestamp <= last.timestamp() || offset <= last.offset()) {
                return;
            }
        }
        if (isFull()) {
            return;
        }
        int relative = Math.toIntExact(offset - baseOffset);
        appendEntry(buf -> buf.putLong(timestamp).putInt(relative));
    }

    /** Removes entries for offsets at or above {@code offset}. */
    public void truncateTo(long offset) {
        State state = snapshot();
        ByteBuffer buf = state.view();
        int keep = 0;
        while (keep < state.entries() && offsetAt(buf, keep) < offset) {
            keep++;
        }
        truncateToEntries(keep);
    }

    /** @throws IndexCorruptException if entries do not increase or point below the base or past {@code nextOffset} */
    public void sanityCheck(long nextOffset) {
        State state = snapshot();
        ByteBuffer buf = state.view();
        long prevTs = Long.MIN_VALUE;
        long prevOffset = baseOffset - 1;
        for (int n = 0; n < state.entries(); n++) {
            long ts = keyAt(buf, n);
            long offset = offsetAt(buf, n);
            if (ts <= prevTs || offset <= prevOffset || offset >= nextOffset) {
                throw new IndexCorruptException("time index " + file + " entry " + n + " (" + ts + ", " + offset
                        + ") is out of order or outside offsets [" + baseOffset + ", " + nextOffset + ")");
            }
            prevTs = ts;
            prevOffset = offset;
        }
    }
}
