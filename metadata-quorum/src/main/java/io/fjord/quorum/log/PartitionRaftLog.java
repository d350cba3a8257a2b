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
 * control entry carries a {@code fjord.control} header. Not thread-safe: the quorum's driver thread owns it.
 */
public final class PartitionRaftLog implements RaftLog {
    static final String CONTROL_HEADER = "fjord.control";
    private static final int READ_BYTES = 1 << 20;

    private final PartitionLog log;

    /**
     * @throws IllegalArgumentException if the log has time or size retention: Raft entries may only be removed
     *                                  below a snapshot, which the quorum does not take yet
     */
    public PartitionRaftLog(PartitionLog log) {
        if (log.config().retentionMs() >= 0 || log.config().retentionBytes() >= 0) {
            throw new IllegalArgumentException("the metadata log " + log.dir().getFileName() + " must have"
                    + " retention.ms=-1 and retention.bytes=-1: quorum entries may only go once a snapshot covers them");
        }
        this.log = log;
    }

    @Override
    public long startOffset() {
        return log.logStartOffset();
    }

    @Override
    public long endOffset() {
        return log.logEndOffset();
    }

    @Override
    public int lastEpoch() {
        return Math.max(0, log.latestEpoch());
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
        int floorEpoch = 0;
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
}
