package io.fjord.quorum.sim;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.raft.RaftLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A {@link RaftLog} on a simulated disk: appends are volatile until {@link #flush()}; {@link #crash} loses a random
 * part of the unflushed tail (a torn write at entry granularity). Reports every truncation to a listener so the
 * simulator can check that no committed entry is ever removed.
 */
final class InMemoryRaftLog implements RaftLog {
    interface TruncationListener {
        void truncated(long toOffset);
    }

    private final List<LogEntry> entries = new ArrayList<>();
    private final boolean ignoreFsync;
    private int flushed;

    InMemoryRaftLog(boolean ignoreFsync) {
        this.ignoreFsync = ignoreFsync;
    }
    private TruncationListener listener = offset -> { };

    void onTruncation(TruncationListener listener) {
        this.listener = listener;
    }

    @Override
    public long startOffset() {
        return 0;
    }

    @Override
    public long endOffset() {
        return entries.size();
    }

    @Override
    public int lastEpoch() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).epoch();
    }

    @Override
    public void append(List<LogEntry> newEntries) {
        for (LogEntry e : newEntries) {
            if (e.offset() != entries.size()) {
                throw new IllegalArgumentException("append at " + e.offset() + " but the log ends at " + entries.size());
            }
            if (e.epoch() < lastEpoch()) {
                throw new IllegalArgumentException("epoch " + e.epoch() + " after epoch " + lastEpoch());
            }
            entries.add(e);
        }
    }

    @Override
    public List<LogEntry> read(long fromOffset, int maxEntries) {
        int from = (int) fromOffset;
        return List.copyOf(entries.subList(Math.min(from, entries.size()), Math.min(entries.size(), from + maxEntries)));
    }

    @Override
    public void truncateTo(long offset) {
        if (offset < entries.size()) {
            listener.truncated(offset);
            entries.subList((int) offset, entries.size()).clear();
            flushed = Math.min(flushed, entries.size());
        }
    }

    @Override
    public OffsetAndEpoch endOffsetForEpoch(int epoch) {
        int floorEpoch = 0;
        for (int i = 0; i < entries.size(); i++) {
            int e = entries.get(i).epoch();
            if (e > epoch) {
                return new OffsetAndEpoch(i, floorEpoch);
            }
            floorEpoch = e;
        }
        return new OffsetAndEpoch(entries.size(), floorEpoch);
    }

    @Override
    public void flush() {
        if (!ignoreFsync) {
            flushed = entries.size();
        }
    }

    /** A crash: keeps everything flushed and a random prefix of the rest. */
    void crash(Random random) {
        int keep = flushed + (entries.size() == flushed ? 0 : random.nextInt(entries.size() - flushed + 1));
        truncateTo(keep);
        flushed = ignoreFsync ? 0 : entries.size();
    }

    /** Entries below this offset are flushed. */
    long durableEndOffset() {
        return flushed;
    }

    LogEntry entry(long offset) {
        return entries.get((int) offset);
    }
}
