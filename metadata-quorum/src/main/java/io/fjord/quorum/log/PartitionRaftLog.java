package io.fjord.quorum.log;

import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.Header;
import io.fjord.proto.record.Record;
import io.fjord.proto.record.RecordBatch;
import io.fjord.proto.record.RecordBatchBuilder;
import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.raft.RaftLog;
import io.fjord.storage.epoch.EpochEntry;
import io.fjord.storage.log.PartitionLog;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The metadata log on the storage engine: each {@link LogEntry} is one record batch whose base offset is the
 * entry's offset and whose {@code partitionLeaderEpoch} is the entry's epoch, so the log's leader-epoch cache is the
 * Raft epoch history. One batch per entry keeps truncation exact (the storage log truncates whole batches). A
 * control entry carries a {@code fjord.control} header. Snapshots are {@link SnapshotFiles} in the same directory.
 *
 * <p>Opening reconciles the two after a crash: if the newest snapshot's last entry is not in the log (an install
 * was cut short), the log restarts at the snapshot; snapshots older than the one the log starts at are removed.
 * Not thread-safe: the quorum's driver thread owns it.
 */
public final class PartitionRaftLog implements RaftLog {
    static final String CONTROL_HEADER = "fjord.control";
    private static final int READ_BYTES = 1 << 20;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PartitionRaftLog.class);

    private final PartitionLog log;
    private final SnapshotFiles snapshots;
    private int startEpoch;

    /**
     * @throws IllegalArgumentException if the log has time or size retention: Raft entries may only be removed
     *                                  below a snapshot
     * @throws io.fjord.storage.StorageException if a snapshot is damaged, or the log starts where no snapshot is
     */
    public PartitionRaftLog(PartitionLog log) {
        if (log.config().retentionMs() >= 0 || log.config().retentionBytes() >= 0) {
            throw new IllegalArgumentException("the metadata log " + log.dir().getFileName() + " must have"
                    + " retention.ms=-1 and retention.bytes=-1: quorum entries may only go once a snapshot covers them");
        }
        this.log = log;
        this.snapshots = new SnapshotFiles(log.dir());
        OffsetAndEpoch latest = snapshots.latest();
        if (latest != null && latest.offset() > log.logStartOffset() && !holds(latest)) {
            log.truncateFullyAndStartAt(latest.offset()); // an install that did not finish
        }
        if (latest != null && log.logStartOffset() > latest.offset() && snapshots.at(log.logStartOffset()) == null) {
            // a crash inside a full truncation left segments above the snapshot: restart at the snapshot
            log.truncateFullyAndStartAt(latest.offset());
        }
        OffsetAndEpoch atStart = snapshots.at(log.logStartOffset());
        if (log.logStartOffset() > 0 && atStart == null) {
            throw new io.fjord.storage.StorageException("the metadata log " + log.dir() + " starts at offset "
                    + log.logStartOffset() + " but has no snapshot there: the directory is damaged");
        }
        startEpoch = atStart == null ? 0 : atStart.epoch();
        if (atStart != null) {
            snapshots.deleteOlderThan(atStart);
        }
    }

    @Override
    public long startOffset() {
        return log.logStartOffset();
    }

    @Override
    public int startEpoch() {
        return startEpoch;
    }

    @Override
    public long endOffset() {
        return log.logEndOffset();
    }

    @Override
    public int lastEpoch() {
        return Math.max(startEpoch, log.latestEpoch());
    }

    @Override
    public void append(List<LogEntry> entries) {
        for (LogEntry entry : entries) {
            if (entry.offset() != log.logEndOffset()) {
                throw new IllegalArgumentException("append at " + entry.offset() + " but the log ends at "
                        + log.logEndOffset());
            }
            if (entry.epoch() < lastEpoch()) {
                throw new IllegalArgumentException("entry of epoch " + entry.epoch() + " after epoch " + lastEpoch());
            }
            RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE, entry.data().length + 64)
                    .baseOffset(entry.offset()).partitionLeaderEpoch(entry.epoch());
            if (entry.control()) {
                builder.append(0L, null, entry.data(), new Header(CONTROL_HEADER, null));
            } else {
                builder.append(0L, null, entry.data());
            }
            log.appendAsFollower(builder.build());
        }
    }

    @Override
    public List<LogEntry> read(long fromOffset, int maxEntries) {
        List<LogEntry> out = new ArrayList<>();
        long next = fromOffset;
        while (out.size() < maxEntries && next < log.logEndOffset()) {
            ByteBuffer data = log.read(next, READ_BYTES, Long.MAX_VALUE, true).records();
            if (!data.hasRemaining()) {
                break;
            }
            RecordBatch batch = new RecordBatch();
            for (int p = 0; p < data.limit() && out.size() < maxEntries; p += batch.sizeInBytes()) {
                batch.wrap(data, p);
                for (Record r : batch.records()) {
                    if (r.offset() >= next && out.size() < maxEntries) {
                        boolean control = r.headers().stream().anyMatch(h -> h.key().equals(CONTROL_HEADER));
                        out.add(new LogEntry(r.offset(), batch.partitionLeaderEpoch(), control,
                                r.value() == null ? new byte[0] : r.value()));
                    }
                }
                next = batch.nextOffset();
            }
        }
        return out;
    }

    @Override
    public void truncateTo(long offset) {
        log.truncateTo(offset);
    }

    /**
     * See {@link RaftLog#endOffsetForEpoch}: the largest epoch at or below {@code epoch} this log holds, and where it
     * ends; (start of the first held epoch, 0) when {@code epoch} is below all of them.
     */
    @Override
    public OffsetAndEpoch endOffsetForEpoch(int epoch) {
        List<EpochEntry> epochs = log.epochCache().entries();
        int floorEpoch = startEpoch;
        for (EpochEntry e : epochs) {
            if (e.epoch() > epoch) {
                return new OffsetAndEpoch(e.startOffset(), floorEpoch);
            }
            floorEpoch = e.epoch();
        }
        return new OffsetAndEpoch(log.logEndOffset(), floorEpoch);
    }

    @Override
    public void flush() {
        log.flush();
    }

    @Override
    public OffsetAndEpoch latestSnapshotId() {
        return snapshots.latest();
    }

    @Override
    public long snapshotSizeBytes(OffsetAndEpoch id) {
        return snapshots.sizeBytes(id);
    }

    @Override
    public byte[] readSnapshot(OffsetAndEpoch id, long position, int maxBytes) {
        return snapshots.read(id, position, maxBytes);
    }

    @Override
    public void writeSnapshot(OffsetAndEpoch id, byte[] data) {
        OffsetAndEpoch latest = snapshots.latest();
        if (latest != null && id.offset() <= latest.offset() || !holds(id)) {
            throw new IllegalArgumentException("cannot write snapshot " + id + ": the latest is " + latest
                    + " and the log holds offsets " + startOffset() + " to " + endOffset());
        }
        snapshots.write(id, data);
    }

    @Override
    public void deleteBefore(OffsetAndEpoch id) {
        snapshots.sizeBytes(id); // it must exist
        if (id.offset() > log.logStartOffset()) {
            log.deleteRecordsBefore(id.offset(), log.logEndOffset());
            startEpoch = id.epoch();
        }
        snapshots.deleteOlderThan(id);
    }

    @Override
    public void installSnapshot(OffsetAndEpoch id, byte[] data) {
        snapshots.write(id, data);
        if (holds(id)) {
            log.deleteRecordsBefore(id.offset(), log.logEndOffset());
        } else {
            log.truncateFullyAndStartAt(id.offset());
        }
        startEpoch = id.epoch();
        snapshots.deleteOlderThan(id);
        LOG.info("{} installed snapshot {} from the leader; the log now holds offsets {} to {}", log.dir().getFileName(),
                id, log.logStartOffset(), log.logEndOffset());
    }

    /** Whether the log holds the last entry of snapshot {@code id} (or starts right after it). */
    private boolean holds(OffsetAndEpoch id) {
        if (id.offset() == log.logStartOffset()) {
            return id.epoch() == startEpoch;
        }
        return id.offset() > log.logStartOffset() && id.offset() <= log.logEndOffset()
                && log.epochCache().epochForOffset(id.offset() - 1) == id.epoch();
    }
}
