package io.fjord.storage.epoch;

import io.fjord.storage.checkpoint.CheckpointFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Leader epoch → first offset written in that epoch, for one partition log, persisted in
 * {@code leader-epoch-checkpoint} (checkpoint version 0; one {@code "epoch startOffset"} line per entry) after
 * every change. Followers use {@link #endOffsetFor} on the leader to find where their log diverges.
 *
 * <p>Invariant: epochs and start offsets both strictly increase along the entries. Thread-safe (synchronized).
 */
public final class LeaderEpochCache {
    public static final String FILE_NAME = "leader-epoch-checkpoint";
    private static final int VERSION = 0;

    private final CheckpointFile<EpochEntry> checkpoint;
    private final TreeMap<Integer, EpochEntry> epochs = new TreeMap<>();

    public LeaderEpochCache(Path partitionDir) {
        this.checkpoint = new CheckpointFile<>(partitionDir.resolve(FILE_NAME), VERSION, new CheckpointFile.EntryFormat<>() {
            @Override
            public String format(EpochEntry entry) {
                return entry.epoch() + " " + entry.startOffset();
            }

            @Override
            public EpochEntry parse(String line) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("expected 'epoch startOffset', got '" + line + "'");
                }
                return new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
            }
        });
        for (EpochEntry entry : checkpoint.read()) {
            insert(entry);
        }
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset}. Re-assigning the latest epoch is a no-op. Entries that
     * conflict (an epoch at or above {@code epoch}, or a start offset at or above {@code startOffset}) are removed
     * first: they belong to a history this log has been truncated away from.
     */
    public synchronized void assign(int epoch, long startOffset) {
        if (epoch < 0 || startOffset < 0) {
            throw new IllegalArgumentException("epoch " + epoch + " and start offset " + startOffset + " must be >= 0");
        }
        EpochEntry latest = latestEntryOrNull();
        if (latest != null && latest.epoch() == epoch && latest.startOffset() <= startOffset) {
            return;
        }
        epochs.values().removeIf(e -> e.epoch() >= epoch || e.startOffset() >= startOffset);
        insert(new EpochEntry(epoch, startOffset));
        flush();
    }

    public synchronized int latestEpoch() {
        return epochs.isEmpty() ? OffsetAndEpoch.UNDEFINED_EPOCH : epochs.lastKey();
    }

    public synchronized EpochEntry latestEntryOrNull() {
        return epochs.isEmpty() ? null : epochs.lastEntry().getValue();
    }

    /** The epoch whose leader wrote {@code offset}, or {@link OffsetAndEpoch#UNDEFINED_EPOCH}. */
    public synchronized int epochForOffset(long offset) {
        int found = OffsetAndEpoch.UNDEFINED_EPOCH;
        for (EpochEntry e : epochs.values()) {
            if (e.startOffset() > offset) {
                break;
            }
            found = e.epoch();
        }
        return found;
    }

    /**
     * The end offset (exclusive) of {@code requestedEpoch} on this log, with the largest epoch at or below it that
     * this log knows: the leader's answer to a follower that last fetched {@code requestedEpoch} (Kafka's
     * OffsetsForLeaderEpoch). The latest epoch ends at {@code logEndOffset}; an unknown epoch above every known one
     * gives {@link OffsetAndEpoch#UNDEFINED}; one below every known one ends where the first known epoch starts.
     */
    public synchronized OffsetAndEpoch endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch == OffsetAndEpoch.UNDEFINED_EPOCH || epochs.isEmpty()) {
            return OffsetAndEpoch.UNDEFINED;
        }
        if (requestedEpoch == epochs.lastKey()) {
            return new OffsetAndEpoch(logEndOffset, requestedEpoch);
        }
        Map.Entry<Integer, EpochEntry> higher = epochs.higherEntry(requestedEpoch);
        if (higher == null) {
            return OffsetAndEpoch.UNDEFINED;
        }
        Map.Entry<Integer, EpochEntry> floor = epochs.floorEntry(requestedEpoch);
        int epoch = floor == null ? requestedEpoch : floor.getKey();
        return new OffsetAndEpoch(higher.getValue().startOffset(), epoch);
    }

    /** Drops entries starting at or after {@code endOffset}: the log was truncated to end there. */
    public synchronized void truncateFromEnd(long endOffset) {
        if (epochs.values().removeIf(e -> e.startOffset() >= endOffset)) {
            flush();
        }
    }

    /**
     * The log now starts at {@code startOffset}: drops epochs that end before it and moves the start of the epoch
     * that contains it up to it.
     */
    public synchronized void truncateFromStart(long startOffset) {
        EpochEntry containing = null;
        int removed = 0;
        for (EpochEntry e : List.copyOf(epochs.values())) {
            if (e.startOffset() > startOffset) {
                break;
            }
            containing = e;
            epochs.remove(e.epoch());
            removed++;
        }
        if (containing != null) {
            epochs.put(containing.epoch(), new EpochEntry(containing.epoch(), startOffset));
            if (removed > 1 || containing.startOffset() != startOffset) {
                flush();
            }
        }
    }

    public synchronized void clear() {
        epochs.clear();
        flush();
    }

    public synchronized List<EpochEntry> entries() {
        return new ArrayList<>(epochs.values());
    }

    private void insert(EpochEntry entry) {
        EpochEntry latest = latestEntryOrNull();
        if (latest != null && (entry.epoch() <= latest.epoch() || entry.startOffset() < latest.startOffset())) {
            throw new IllegalStateException("epoch entries must increase: " + latest + " then " + entry);
        }
        epochs.put(entry.epoch(), entry);
    }

    private void flush() {
        checkpoint.write(new ArrayList<>(epochs.values()));
    }
}
