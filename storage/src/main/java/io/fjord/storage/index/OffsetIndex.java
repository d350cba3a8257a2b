package io.fjord.storage.index;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from offset to the position of a batch in the segment's {@code .log} file. File format: a sequence of
 * 8-byte entries, big-endian: {@code relativeOffset int32} (offset - segment base offset) and {@code position int32}.
 * An entry {@code (o, p)} means the batch whose last offset is {@code o} starts at byte {@code p}; entries are
 * strictly increasing in both fields. One entry is written per {@code index.interval.bytes} of log.
 */
public final class OffsetIndex extends AbstractIndex {
    public static final String SUFFIX = ".index";
    private static final int ENTRY_SIZE = 8;

    public OffsetIndex(Path file, long baseOffset, int maxIndexSizeBytes) {
        super(file, baseOffset, maxIndexSizeBytes);
    }

    @Override
    protected int entrySize() {
        return ENTRY_SIZE;
    }

    @Override
    protected long keyAt(ByteBuffer buf, int n) {
        return baseOffset + buf.getInt(n * ENTRY_SIZE);
    }

    private int positionAt(ByteBuffer buf, int n) {
        return buf.getInt(n * ENTRY_SIZE + 4);
    }

    /** The last entry at or below {@code targetOffset}, or (baseOffset, 0) when there is none. */
    public OffsetPosition lookup(long targetOffset) {
        State state = snapshot();
        ByteBuffer buf = state.view();
        int slot = largestLowerBound(state, targetOffset);
        return slot < 0 ? new OffsetPosition(baseOffset, 0) : new OffsetPosition(keyAt(buf, slot), positionAt(buf, slot));
    }

    public OffsetPosition lastEntry() {
        State state = snapshot();
        int n = state.entries();
        if (n == 0) {
            return new OffsetPosition(baseOffset, 0);
        }
        ByteBuffer buf = state.view();
        return new OffsetPosition(keyAt(buf, n - 1), positionAt(buf, n - 1));
    }

    public void append(long offset, int position) {
        if (entries() > 0) {
            OffsetPosition last = lastEntry();
            if (offset <= last.offset() || position <= last.position()) {
                throw new IllegalStateException("index entry (" + offset + ", " + position + ") does not follow "
                        + last + " in " + file);
            }
        }
        int relative = Math.toIntExact(offset - baseOffset);
        appendEntry(buf -> buf.putInt(relative).putInt(position));
    }

    /** Removes entries for offsets at or above {@code offset}. */
    public void truncateTo(long offset) {
        int slot = largestLowerBound(snapshot(), offset - 1);
        truncateToEntries(slot + 1);
    }

    /**
     * Checks that entries increase strictly, lie at or above the base offset, and point inside a log of
     * {@code logSizeBytes}.
     *
     * @throws IndexCorruptException naming the first bad entry
     */
    public void sanityCheck(long logSizeBytes) {
        State state = snapshot();
        ByteBuffer buf = state.view();
        long prevOffset = baseOffset - 1;
        long prevPosition = -1;
        for (int n = 0; n < state.entries(); n++) {
            int relative = buf.getInt(n * ENTRY_SIZE);
            long offset = baseOffset + relative;
            int position = positionAt(buf, n);
            if (relative < 0 || offset <= prevOffset || position <= prevPosition || position >= logSizeBytes) {
                throw new IndexCorruptException("offset index " + file + " entry " + n + " (" + offset + ", "
                        + position + ") is out of order or outside the log of " + logSizeBytes + " bytes");
            }
            prevOffset = offset;
            prevPosition = position;
        }
    }
}
