package io.fjord.quorum.sim;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.raft.RaftLog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * A {@link RaftLog} on a simulated disk: appends are volatile until {@link #flush()}; {@link #crash} loses a random
 * part of the unflushed tail (a torn write at entry granularity). Snapshots, the log start and truncations are
 * durable at once, as in the production log. Reports every truncation to a listener so the simulator can check that
 * no committed entry is ever removed.
 */
final class InMemoryRaftLog implements RaftLog {
    interface TruncationListener {
        void truncated(long toOffset);
    }

    private final List<LogEntry> entries = new ArrayList<>();
    private final TreeMap<Long, Snapshot> snapshots = new TreeMap<>();
    private final boolean ignoreFsync;
    private long startOffset;
    private int startEpoch;
    private long flushedEnd;
    private TruncationListener listener = offset -> { };
    private Runnable installListener = () -> { };

    record Snapshot(OffsetAndEpoch id, byte[] data) {
    }

    InMemoryRaftLog(boolean ignoreFsync) {
        this.ignoreFsync = ignoreFsync;
    }

    void onTruncation(TruncationListener listener) {
        this.listener = listener;
    }

    void onInstall(Runnable listener) {
        this.installListener = listener;
    }

    @Override
    public long startOffset() {
        return startOffset;
    }

    @Override
    public int startEpoch() {
        return startEpoch;
    }

    @Override
    public long endOffset() {
        return startOffset + entries.size();
    }

    @Override
    public int lastEpoch() {
        return entries.isEmpty() ? startEpoch : entries.get(entries.size() - 1).epoch();
    }

    @Override
    public void append(List<LogEntry> newEntries) {
        for (LogEntry e : newEntries) {
            if (e.offset() != endOffset()) {
                throw new IllegalArgumentException("append at " + e.offset() + " but the log ends at " + endOffset());
            }
            if (e.epoch() < lastEpoch()) {
                throw new IllegalArgumentException("epoch " + e.epoch() + " after epoch " + lastEpoch());
            }
            entries.add(e);
        }
    }

    @Override
    public List<LogEntry> read(long fromOffset, int maxEntries) {
        if (fromOffset < startOffset) {
            throw new IllegalArgumentException("read at " + fromOffset + " below the log start " + startOffset);
        }
        int from = (int) Math.min(fromOffset - startOffset, entries.size());
        return List.copyOf(entries.subList(from, Math.min(entries.size(), from + maxEntries)));
    }

    @Override
    public void truncateTo(long offset) {
        if (offset < endOffset()) {
            if (offset < startOffset) {
                throw new IllegalArgumentException("truncation to " + offset + " below the log start " + startOffset);
            }
            listener.truncated(offset);
            entries.subList((int) (offset - startOffset), entries.size()).clear();
            flushedEnd = Math.min(flushedEnd, endOffset());
        }
    }

    @Override
    public OffsetAndEpoch endOffsetForEpoch(int epoch) {
        int floorEpoch = startEpoch;
        for (LogEntry e : entries) {
            if (e.epoch() > epoch) {
                return new OffsetAndEpoch(e.offset(), floorEpoch);
            }
            floorEpoch = e.epoch();
        }
        return new OffsetAndEpoch(endOffset(), floorEpoch);
    }

    @Override
    public void flush() {
        if (!ignoreFsync) {
            flushedEnd = endOffset();
        }
    }

    @Override
    public OffsetAndEpoch latestSnapshotId() {
        return snapshots.isEmpty() ? null : snapshots.lastEntry().getValue().id();
    }

    @Override
    public long snapshotSizeBytes(OffsetAndEpoch id) {
        return snapshot(id).data().length;
    }

    @Override
    public byte[] readSnapshot(OffsetAndEpoch id, long position, int maxBytes) {
        byte[] data = snapshot(id).data();
        if (position < 0 || position > data.length || maxBytes < 0) {
            throw new IllegalArgumentException("cannot read " + maxBytes + " bytes at " + position + " of " + id);
        }
        return Arrays.copyOfRange(data, (int) position, (int) Math.min(data.length, position + maxBytes));
    }

    @Override
    public void writeSnapshot(OffsetAndEpoch id, byte[] data) {
        OffsetAndEpoch latest = latestSnapshotId();
        if (latest != null && id.offset() <= latest.offset() || !holds(id)) {
            throw new IllegalArgumentException("cannot write snapshot " + id + ": latest " + latest + ", log holds "
                    + startOffset + " to " + endOffset());
        }
        snapshots.put(id.offset(), new Snapshot(id, data.clone()));
    }

    @Override
    public void deleteBefore(OffsetAndEpoch id) {
        snapshot(id);
        if (id.offset() > startOffset) {
            if (id.offset() > endOffset()) {
                throw new IllegalArgumentException("cannot start the log at " + id + ": it ends at " + endOffset());
            }
            entries.subList(0, (int) (id.offset() - startOffset)).clear();
            startOffset = id.offset();
            startEpoch = id.epoch();
            flushedEnd = Math.max(flushedEnd, startOffset);
        }
        snapshots.headMap(id.offset()).clear();
    }

    @Override
    public void installSnapshot(OffsetAndEpoch id, byte[] data) {
        installListener.run();
        snapshots.put(id.offset(), new Snapshot(id, data.clone()));
        if (holds(id)) {
            entries.subList(0, (int) (id.offset() - startOffset)).clear();
        } else {
            entries.clear();
        }
        startOffset = id.offset();
        startEpoch = id.epoch();
        // the flushed end stays within the log: a log that restarts empty has nothing flushed past its start
        flushedEnd = Math.min(Math.max(flushedEnd, startOffset), endOffset());
        snapshots.headMap(id.offset()).clear();
    }

    private boolean holds(OffsetAndEpoch id) {
        if (id.offset() == startOffset) {
            return id.epoch() == startEpoch;
        }
        return id.offset() > startOffset && id.offset() <= endOffset() && entry(id.offset() - 1).epoch() == id.epoch();
    }

    private Snapshot snapshot(OffsetAndEpoch id) {
        Snapshot s = snapshots.get(id.offset());
        if (s == null || !s.id().equals(id)) {
            throw new IllegalArgumentException("no snapshot " + id);
        }
        return s;
    }

    /** A crash: keeps everything flushed and a random prefix of the rest. */
    void crash(Random random) {
        long end = endOffset();
        long keep = flushedEnd + (end == flushedEnd ? 0 : random.nextInt((int) (end - flushedEnd) + 1));
        truncateTo(keep);
        OffsetAndEpoch latest = latestSnapshotId();
        if (latest != null && !holds(latest)) {
            // only with IGNORE_FSYNC: the log lost the snapshot's entries; restart at it, as the production log does
            entries.clear();
            startOffset = latest.offset();
            startEpoch = latest.epoch();
            snapshots.headMap(latest.offset()).clear();
        }
        flushedEnd = ignoreFsync ? startOffset : endOffset();
    }

    /** Entries below this offset are flushed (those below the start are in a snapshot). */
    long durableEndOffset() {
        return flushedEnd;
    }

    /** The entry at {@code offset}, which must be at or above the log start. */
    LogEntry entry(long offset) {
        return entries.get((int) (offset - startOffset));
    }

    /** Every snapshot kept, oldest first. */
    List<Snapshot> snapshots() {
        return List.copyOf(snapshots.values());
    }
}
