package io.fjord.storage.log;

import io.fjord.proto.record.CorruptRecordException;
import io.fjord.proto.record.RecordBatch;
import io.fjord.storage.StorageException;
import io.fjord.storage.StorageFiles;
import io.fjord.storage.checkpoint.CheckpointFile;
import io.fjord.storage.checkpoint.OffsetCheckpoint;
import io.fjord.storage.epoch.LeaderEpochCache;
import io.fjord.storage.epoch.OffsetAndEpoch;
import io.fjord.storage.index.TimestampOffset;
import io.fjord.storage.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The log of one partition replica: a directory of segments, a leader-epoch cache, and two checkpoints
 * ({@code recovery-point-offset-checkpoint}: everything below it is fsynced; {@code log-start-offset-checkpoint}).
 *
 * <p>Offsets are dense from {@link #logStartOffset()} to {@link #logEndOffset()} (exclusive), except for gaps a
 * follower copies from its leader. A leader {@link #appendAsLeader appends} batches and stamps their offsets and
 * epoch; a follower {@link #appendAsFollower appends} them as the leader stamped them, and
 * {@link #truncateTo truncates} by leader epoch when it diverged.
 *
 * <p>Thread-safety: all mutations hold one lock. Reads take no lock: they are bounded by the volatile log end
 * published after each append, so they never see a half-written batch. Threads must not be interrupted while they
 * read or append: an interrupt closes the underlying {@code FileChannel} for every user (NIO's rule), after which
 * the log reports itself offline.
 *
 * <p>Any I/O failure while changing the log takes it <em>offline</em>: every later call fails with a
 * {@link StorageException} naming the first cause, rather than working on a log whose state is no longer known.
 */
public final class PartitionLog implements AutoCloseable {
    public static final String RECOVERY_POINT_FILE = "recovery-point-offset-checkpoint";
    public static final String LOG_START_FILE = "log-start-offset-checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
    private static final int READ_RETRIES = 3;

    /** Where the log ends: the next offset, and the active segment and byte position it lies at. */
    private record LogEnd(long offset, long segmentBaseOffset, int position) {
    }

    private final Path dir;
    private final Clock clock;
    private final String logPrefix;
    private final Object lock = new Object();
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final LeaderEpochCache epochCache;
    private final OffsetCheckpoint recoveryPointCheckpoint;
    private final OffsetCheckpoint logStartCheckpoint;

    private volatile LogConfig config;
    private volatile LogEnd end;
    private volatile long logStartOffset;
    private long recoveryPoint;
    private long unflushedMessages;
    private long lastFlushMs;
    private boolean directoryDirty;
    private boolean closed;
    private long truncations;
    private volatile String offlineReason;

    private PartitionLog(Path dir, LogConfig config, Clock clock) {
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.logPrefix = "[PartitionLog " + dir.getFileName() + "]";
        this.epochCache = new LeaderEpochCache(dir);
        this.recoveryPointCheckpoint = new OffsetCheckpoint(dir.resolve(RECOVERY_POINT_FILE));
        this.logStartCheckpoint = new OffsetCheckpoint(dir.resolve(LOG_START_FILE));
    }

    /** Opens (creating if needed) the log in {@code dir}, recovering it if it was not closed cleanly. */
    public static PartitionLog open(Path dir, LogConfig config, Clock clock) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create partition directory " + dir, e);
        }
        PartitionLog log = new PartitionLog(dir, config, clock);
        log.load();
        return log;
    }

    private void load() {
        long checkpointedRecovery = recoveryPointCheckpoint.read().orElse(0L);
        long checkpointedStart = logStartCheckpoint.read().orElse(0L);
        segments.putAll(LogLoader.load(dir, config, clock, checkpointedRecovery, checkpointedStart, logPrefix));
        publishEnd();
        logStartOffset = Math.max(checkpointedStart, segments.firstKey());
        if (logStartOffset > end.offset()) {
            truncateFullyAndStartAt(logStartOffset);
        }
        recoveryPoint = Math.min(checkpointedRecovery, end.offset());
        epochCache.truncateFromEnd(end.offset());
        epochCache.truncateFromStart(logStartOffset);
        lastFlushMs = clock.nowMs();
        try {
            Files.deleteIfExists(dir.resolve(LogLoader.CLEAN_SHUTDOWN_FILE));
            CheckpointFile.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot clear the clean-shutdown marker in " + dir, e);
        }
        LOG.info("{} loaded: log start {}, log end {}, {} segments, recovery point {}", logPrefix, logStartOffset,
                end.offset(), segments.size(), recoveryPoint);
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    /** Applies new topic-level settings; they take effect at the next append, roll or retention pass. */
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    /** The offset the next appended record gets (LEO). */
    public long logEndOffset() {
        return end.offset();
    }

    public long recoveryPoint() {
        synchronized (lock) {
            return recoveryPoint;
        }
    }

    public LeaderEpochCache epochCache() {
        return epochCache;
    }

    public int latestEpoch() {
        return epochCache.latestEpoch();
    }

    /** Where {@code epoch} ends on this log: see {@link LeaderEpochCache#endOffsetFor}. */
    public OffsetAndEpoch endOffsetForEpoch(int epoch) {
        synchronized (lock) {
            return epochCache.endOffsetFor(epoch, end.offset());
        }
    }

    public int numberOfSegments() {
        return segments.size();
    }

    public List<LogSegment> segments() {
        return new ArrayList<>(segments.values());
    }

    public long sizeInBytes() {
        long size = 0;
        for (LogSegment segment : segments.values()) {
            size += segment.sizeInBytes();
        }
        return size;
    }

    /**
     * Appends producer batches as the leader of {@code leaderEpoch}: validates them fully first (see
     * {@link ValidatedBatches}; nothing is written if one is bad), then stamps base offsets from the log end and the
     * epoch into the caller's buffer.
     *
     * @throws CorruptRecordException  if a batch fails validation
     * @throws RecordTooLargeException if a batch exceeds {@code max.message.bytes}
     */
    public LogAppendInfo appendAsLeader(ByteBuffer records, int leaderEpoch) {
        return appendAsLeader(ValidatedBatches.fromProducer(records, config.maxMessageBytes()), leaderEpoch);
    }

    /**
     * Appends batches validated beforehand (on the request thread, outside this log's lock) as the leader of
     * {@code leaderEpoch}: stamps base offsets from the log end and the epoch, then writes them. Each batch's size is
     * checked again against this log's {@code max.message.bytes}, which may have changed since.
     *
     * @throws RecordTooLargeException if a batch exceeds {@code max.message.bytes}
     * @throws IllegalStateException   if {@code leaderEpoch} is older than the log's latest epoch
     */
    public LogAppendInfo appendAsLeader(ValidatedBatches validated, int leaderEpoch) {
        return mutate(() -> {
            if (leaderEpoch < epochCache.latestEpoch()) {
                throw new IllegalStateException("leader epoch " + leaderEpoch + " is below epoch "
                        + epochCache.latestEpoch() + " already in " + dir.getFileName() + ": a stale leader");
            }
            ByteBuffer records = validated.records();
            BatchValidator.Summary summary = validated.summary();
            int maxMessageBytes = config.maxMessageBytes();
            long first = end.offset();
            long next = first;
            RecordBatch batch = new RecordBatch();
            for (int p = records.position(); p < records.limit(); p += batch.sizeInBytes()) {
                batch.wrap(records, p);
                if (batch.sizeInBytes() > maxMessageBytes) {
                    throw new RecordTooLargeException("a batch is " + batch.sizeInBytes()
                            + " bytes, above max.message.bytes " + maxMessageBytes);
                }
            }
            for (int p = records.position(); p < records.limit(); p += batch.sizeInBytes()) {
                batch.wrap(records, p);
                batch.setBaseOffset(next);
                batch.setPartitionLeaderEpoch(leaderEpoch);
                next = batch.nextOffset();
            }
            if (leaderEpoch > epochCache.latestEpoch()) {
                epochCache.assign(leaderEpoch, first);
            }
            appendToSegments(records, first, next - 1, summary);
            return new LogAppendInfo(first, next - 1, summary.maxTimestamp(), summary.batchCount(),
                    summary.recordCount(), summary.sizeInBytes());
        });
    }

    /**
     * Appends batches exactly as the leader stamped them. Offsets must start at or after the log end and increase.
     *
     * @throws CorruptRecordException if a batch fails validation or its offsets are out of order
     */
    public LogAppendInfo appendAsFollower(ByteBuffer records) {
        return mutate(() -> {
            BatchValidator.Summary summary = BatchValidator.validate(records, Integer.MAX_VALUE, false);
            long expected = end.offset();
            RecordBatch batch = new RecordBatch();
            for (int p = records.position(); p < records.limit(); p += batch.sizeInBytes()) {
                batch.wrap(records, p);
                if (batch.baseOffset() < expected) {
                    throw new CorruptRecordException("batch at offset " + batch.baseOffset()
                            + " is below the expected next offset " + expected + " of " + dir.getFileName());
                }
                expected = batch.nextOffset();
            }
            for (int p = records.position(); p < records.limit(); p += batch.sizeInBytes()) {
                batch.wrap(records, p);
                int epoch = batch.partitionLeaderEpoch();
                if (epoch > epochCache.latestEpoch()) {
                    epochCache.assign(epoch, batch.baseOffset());
                }
            }
            appendToSegments(records, summary.firstBaseOffset(), summary.lastOffset(), summary);
            return new LogAppendInfo(summary.firstBaseOffset(), summary.lastOffset(), summary.maxTimestamp(),
                    summary.batchCount(), summary.recordCount(), summary.sizeInBytes());
        });
    }

    private void appendToSegments(ByteBuffer records, long firstOffset, long lastOffset,
                                  BatchValidator.Summary summary) {
        LogSegment active = segments.lastEntry().getValue();
        long now = clock.nowMs();
        if (firstOffset > end.offset()) {
            markGapDurable(firstOffset);
        }
        if (active.sizeInBytes() == 0 && !active.canHoldOffset(lastOffset)) {
            // an empty segment whose base is too far below the incoming offsets (a follower copying a gap)
            segments.remove(active.baseOffset());
            active.delete();
            active = LogSegment.create(dir, firstOffset, config, now);
            segments.put(firstOffset, active);
            directoryDirty = true;
        } else if (active.shouldRoll(records.remaining(), lastOffset, summary.maxTimestamp(), now, config)) {
            active = roll(Math.max(firstOffset, end.offset()));
        }
        active.append(records);
        publishEnd();
        unflushedMessages += summary.recordCount();
        if (unflushedMessages >= config.flushMessages()) {
            flush();
        }
    }

    /**
     * A follower is about to write at {@code firstOffset}, above the log end: the offsets between hold nothing. The
     * data before the gap is fsynced and the recovery point moved past the gap, so recovery, which treats a segment
     * ending short of the next one as lost data, never takes this gap for a hole.
     */
    private void markGapDurable(long firstOffset) {
        flushLocked();
        recoveryPoint = firstOffset;
        recoveryPointCheckpoint.write(firstOffset);
    }

    private LogSegment roll(long baseOffset) {
        LogSegment previous = segments.lastEntry().getValue();
        LogSegment next = LogSegment.create(dir, baseOffset, config, clock.nowMs());
        segments.put(baseOffset, next);
        previous.onBecomeInactive();
        directoryDirty = true;
        LOG.debug("{} rolled new segment at offset {}", logPrefix, baseOffset);
        return next;
    }

    /** Starts a new segment now (as a full segment would). */
    public void roll() {
        mutate(() -> {
            if (segments.lastEntry().getValue().sizeInBytes() > 0) {
                roll(end.offset());
                publishEnd();
            }
        });
    }

    private void publishEnd() {
        LogSegment active = segments.lastEntry().getValue();
        end = new LogEnd(active.nextOffset(), active.baseOffset(), active.sizeInBytes());
    }

    /**
     * Reads whole batches from the one containing {@code startOffset}, at most {@code maxBytes} (or one whole batch
     * if {@code minOneBatch}), none starting at or above {@code maxOffsetExclusive} (the high watermark, for
     * consumers). Empty at the log end.
     *
     * @throws OffsetOutOfRangeException if {@code startOffset} is below the log start or above the log end
     */
    public FetchDataInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
        }
        if (offlineReason != null) {
            throw new StorageException("log " + dir.getFileName() + " is offline after an I/O error: " + offlineReason);
        }
        for (int attempt = 0; ; attempt++) {
            try {
                return readOnce(startOffset, maxBytes, maxOffsetExclusive, minOneBatch);
            } catch (ClosedChannelException e) {
                if (attempt >= READ_RETRIES) {
                    throw new StorageException("log " + dir.getFileName() + " was closed during a read", e);
                }
            } catch (IOException e) {
                throw new StorageException("cannot read " + dir.getFileName() + " at offset " + startOffset, e);
            }
        }
    }

    private FetchDataInfo readOnce(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch)
            throws IOException {
        LogEnd snapshot = end;
        long start = logStartOffset;
        if (startOffset == snapshot.offset() && startOffset >= start) {
            return FetchDataInfo.empty(startOffset);
        }
        if (startOffset < start || startOffset > snapshot.offset()) {
            throw outOfRange(startOffset, start, snapshot.offset());
        }
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
        while (entry != null && entry.getKey() <= snapshot.segmentBaseOffset()) {
            LogSegment segment = entry.getValue();
            long maxPosition = segment.baseOffset() == snapshot.segmentBaseOffset()
                    ? snapshot.position() : segment.sizeInBytes();
            ByteBuffer data = segment.read(startOffset, maxBytes, maxPosition, maxOffsetExclusive, minOneBatch);
            if (data != null) {
                return new FetchDataInfo(startOffset, data);
            }
            entry = segments.higherEntry(entry.getKey());
        }
        return FetchDataInfo.empty(startOffset);
    }

    private OffsetOutOfRangeException outOfRange(long offset, long start, long endOffset) {
        return new OffsetOutOfRangeException("offset " + offset + " is out of range for " + dir.getFileName()
                + ": valid offsets are " + start + " to " + endOffset + " (log start to log end)");
    }

    /**
     * The first record whose timestamp is at least {@code timestamp}, as (its timestamp, its offset), or empty if
     * every record is older (Kafka's ListOffsets by timestamp).
     */
    public Optional<TimestampOffset> findOffsetByTimestamp(long timestamp) {
        LogEnd snapshot = end;
        long start = logStartOffset;
        try {
            for (LogSegment segment : segments.values()) {
                if (segment.baseOffset() > snapshot.segmentBaseOffset() || segment.largestTimestamp() < timestamp) {
                    continue;
                }
                long maxPosition = segment.baseOffset() == snapshot.segmentBaseOffset()
                        ? snapshot.position() : segment.sizeInBytes();
                TimestampOffset found = segment.findOffsetByTimestamp(timestamp, start, maxPosition);
                if (found != null) {
                    return Optional.of(found);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot search " + dir.getFileName() + " by timestamp", e);
        }
    }

    /**
     * Removes every record at or above {@code targetOffset} (a follower that diverged from its leader), along with
     * the leader-epoch entries that start there, and makes the truncation durable. Returns true if anything was
     * removed.
     */
    public boolean truncateTo(long targetOffset) {
        return mutate(() -> {
            if (targetOffset < 0) {
                throw new IllegalArgumentException("cannot truncate to negative offset " + targetOffset);
            }
            if (targetOffset >= end.offset()) {
                return false;
            }
            if (targetOffset < logStartOffset) {
                truncateFullyAndStartAt(targetOffset);
                return true;
            }
            truncations++;
            for (LogSegment segment : new ArrayList<>(segments.tailMap(targetOffset, false).values())) {
                segments.remove(segment.baseOffset());
                segment.delete();
                directoryDirty = true;
            }
            LogSegment active = segments.lastEntry().getValue();
            active.truncateTo(targetOffset);
            active.onBecomeActive();
            // durable now: the epoch cache below is, and truncated batches must not come back after a power loss
            active.flush();
            fsyncDirectoryIfDirty();
            publishEnd();
            if (end.offset() < logStartOffset) {
                // the batch holding the old log start was removed whole: the (now empty) log starts at its end
                logStartOffset = end.offset();
                logStartCheckpoint.write(logStartOffset);
            }
            epochCache.truncateFromEnd(end.offset());
            lowerRecoveryPoint(end.offset());
            LOG.info("{} truncated to offset {} (log end now {})", logPrefix, targetOffset, end.offset());
            return true;
        });
    }

    /** Deletes every segment and restarts the log, empty, at {@code newOffset}. */
    public void truncateFullyAndStartAt(long newOffset) {
        mutate(() -> {
            truncations++;
            for (LogSegment segment : new ArrayList<>(segments.values())) {
                segments.remove(segment.baseOffset());
                segment.delete();
            }
            segments.put(newOffset, LogSegment.create(dir, newOffset, config, clock.nowMs()));
            directoryDirty = true;
            publishEnd();
            epochCache.clear();
            logStartOffset = newOffset;
            logStartCheckpoint.write(newOffset);
            recoveryPoint = newOffset;
            recoveryPointCheckpoint.write(newOffset);
            unflushedMessages = 0;
            LOG.info("{} truncated fully; log restarts at offset {}", logPrefix, newOffset);
        });
    }

    /**
     * Moves the log start up to {@code newStartOffset} (Kafka's DeleteRecords), never above {@code upperBound}
     * (the high watermark), deleting segments that lie wholly below it.
     *
     * @throws OffsetOutOfRangeException if {@code newStartOffset} is above {@code upperBound} or the log end
     */
    public void deleteRecordsBefore(long newStartOffset, long upperBound) {
        mutate(() -> {
            long limit = Math.min(upperBound, end.offset());
            if (newStartOffset > limit) {
                throw new OffsetOutOfRangeException("cannot delete records before offset " + newStartOffset + " of "
                        + dir.getFileName() + ": it is above the high watermark / log end " + limit);
            }
            if (newStartOffset <= logStartOffset) {
                return;
            }
            logStartOffset = newStartOffset;
            logStartCheckpoint.write(newStartOffset);
            epochCache.truncateFromStart(newStartOffset);
            List<LogSegment> below = new ArrayList<>();
            for (Map.Entry<Long, LogSegment> e : segments.headMap(segments.lastKey()).entrySet()) {
                Long nextBase = segments.higherKey(e.getKey());
                if (nextBase != null && nextBase <= newStartOffset) {
                    below.add(e.getValue());
                }
            }
            deleteSegments(below, "below log start offset " + newStartOffset);
        });
    }

    /**
     * Retention: deletes the oldest segments while they are older than {@code retention.ms} or the log is larger
     * than {@code retention.bytes}, never a segment with records at or above {@code upperBoundOffset} (the high
     * watermark). The active segment is rolled first if it is itself deletable. Returns the number deleted.
     */
    public int deleteOldSegments(long nowMs, long upperBoundOffset) {
        return mutate(() -> {
            LogConfig cfg = config;
            long excessBytes = cfg.retentionBytes() < 0 ? Long.MIN_VALUE : sizeInBytes() - cfg.retentionBytes();
            List<LogSegment> deletable = new ArrayList<>();
            LogSegment active = segments.lastEntry().getValue();
            for (LogSegment segment : segments.values()) {
                boolean expired = cfg.retentionMs() >= 0 && nowMs - segment.largestTimestamp() > cfg.retentionMs();
                boolean oversize = excessBytes != Long.MIN_VALUE && excessBytes - segment.sizeInBytes() >= 0;
                // the log would start at the next segment's base: that must not pass the bound
                Long nextBase = segments.higherKey(segment.baseOffset());
                long newStart = nextBase == null ? end.offset() : nextBase;
                if (!(expired || oversize) || newStart > upperBoundOffset
                        || (segment == active && segment.sizeInBytes() == 0)) {
                    break;
                }
                deletable.add(segment);
                if (oversize) {
                    excessBytes -= segment.sizeInBytes();
                }
            }
            if (deletable.isEmpty()) {
                return 0;
            }
            if (deletable.get(deletable.size() - 1) == active) {
                roll(end.offset());
                publishEnd();
            }
            deleteSegments(deletable, "retention");
            long newStart = Math.max(logStartOffset, segments.firstKey());
            if (newStart > logStartOffset) {
                logStartOffset = newStart;
                logStartCheckpoint.write(newStart);
                epochCache.truncateFromStart(newStart);
            }
            return deletable.size();
        });
    }

    private void deleteSegments(List<LogSegment> doomed, String reason) {
        for (LogSegment segment : doomed) {
            segments.remove(segment.baseOffset());
            segment.delete();
            LOG.info("{} deleted segment {} ({} bytes, offsets {} to {}): {}", logPrefix, segment.baseOffset(),
                    segment.sizeInBytes(), segment.baseOffset(), segment.nextOffset() - 1, reason);
        }
        if (!doomed.isEmpty()) {
            directoryDirty = true;
        }
    }

    /** Fsyncs every segment that may hold unflushed data, then records the new recovery point. */
    public void flush() {
        mutate(this::flushLocked);
    }

    private void flushLocked() {
        long target = end.offset();
        if (target == recoveryPoint && !directoryDirty) {
            return;
        }
        Long from = segments.floorKey(recoveryPoint);
        for (LogSegment segment : segments.tailMap(from == null ? segments.firstKey() : from, true).values()) {
            segment.flush();
        }
        fsyncDirectoryIfDirty();
        recoveryPoint = target;
        recoveryPointCheckpoint.write(target);
        unflushedMessages = 0;
        lastFlushMs = clock.nowMs();
    }

    private void fsyncDirectoryIfDirty() {
        if (directoryDirty) {
            try {
                CheckpointFile.fsyncDirectory(dir);
            } catch (IOException e) {
                throw new StorageException("cannot fsync directory " + dir, e);
            }
            directoryDirty = false;
        }
    }

    /**
     * Background flushing, for the caller's scheduler: fsyncs segments that have rolled since the last flush (as
     * Kafka does after a roll) and moves the recovery point to the active segment, so a crash rescans only the
     * active segment; then applies {@code flush.ms}. Rolled segments no longer change, so they are fsynced outside
     * the lock and appends go on meanwhile.
     */
    public void maybeFlush(long nowMs) {
        flushRolledSegments();
        mutate(() -> {
            if (unflushedMessages > 0 && nowMs - lastFlushMs >= config.flushMs()) {
                flushLocked();
            }
        });
    }

    private void flushRolledSegments() {
        List<LogSegment> rolled;
        long target;
        long truncationsBefore;
        synchronized (lock) {
            if (closed || offlineReason != null) {
                return;
            }
            target = segments.lastKey();
            if (target <= recoveryPoint) {
                return;
            }
            Long from = segments.floorKey(recoveryPoint);
            rolled = new ArrayList<>(segments.subMap(from == null ? segments.firstKey() : from, true, target, false)
                    .values());
            truncationsBefore = truncations;
        }
        for (LogSegment segment : rolled) {
            try {
                segment.flush();
            } catch (StorageException e) {
                if (segments.get(segment.baseOffset()) == segment) {
                    // a failed fsync may have dropped dirty pages; a retry could "succeed" over them (Linux reports
                    // a writeback error once), so the log must not be trusted any more
                    takeOffline(e);
                    throw e;
                }
                return; // deleted meanwhile by retention or truncation; the next pass starts over
            }
        }
        mutate(() -> {
            if (truncations == truncationsBefore && target > recoveryPoint && segments.lastKey() >= target) {
                directoryDirty = true; // the rolled segments' names must be durable too
                fsyncDirectoryIfDirty();
                recoveryPoint = target;
                recoveryPointCheckpoint.write(target);
            }
        });
    }

    private void lowerRecoveryPoint(long offset) {
        if (offset < recoveryPoint) {
            recoveryPoint = offset;
            recoveryPointCheckpoint.write(offset);
        }
    }

    /** Flushes, closes every segment and leaves the clean-shutdown marker so the next open skips recovery. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (offlineReason != null) {
                closed = true;
                return; // no marker: the next open recovers
            }
            mutate(this::flushLocked);
            for (LogSegment segment : segments.values()) {
                segment.close();
            }
            try {
                Files.createFile(dir.resolve(LogLoader.CLEAN_SHUTDOWN_FILE));
                CheckpointFile.fsyncDirectory(dir);
            } catch (IOException e) {
                throw new StorageException("cannot write the clean-shutdown marker in " + dir, e);
            }
            closed = true;
            LOG.info("{} closed cleanly at log end {}", logPrefix, end.offset());
        }
    }

    /** Test hook: drops the log as a crash would, without flushing, trimming indexes or leaving the marker. */
    void closeAbruptlyForTest() {
        synchronized (lock) {
            for (LogSegment segment : segments.values()) {
                segment.closeAbruptly();
            }
            closed = true;
        }
    }

    /**
     * Closes and removes the whole partition directory. The directory is first renamed to
     * {@code <name>.<time>-delete} (and the rename fsynced), so a crash half-way never leaves a partial log that
     * would load as the live partition; {@link io.fjord.storage.manager.LogManager} finishes such deletions at start.
     */
    public void delete() {
        synchronized (lock) {
            for (LogSegment segment : segments.values()) {
                segment.closeAbruptly();
            }
            segments.clear();
            closed = true;
            try {
                Path doomed = dir.resolveSibling(dir.getFileName() + "." + clock.nowMs() + DELETED_SUFFIX);
                Files.move(dir, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                CheckpointFile.fsyncDirectory(dir.getParent());
                StorageFiles.deleteRecursively(doomed);
            } catch (IOException e) {
                throw new StorageException("cannot delete partition directory " + dir, e);
            }
        }
    }

    /** Suffix of a partition directory being deleted. */
    public static final String DELETED_SUFFIX = "-delete";

    private void checkOpen() {
        if (offlineReason != null) {
            throw new StorageException("log " + dir.getFileName() + " is offline after an I/O error: " + offlineReason);
        }
        if (closed) {
            throw new IllegalStateException("log " + dir.getFileName() + " is closed");
        }
    }

    /** Runs a mutation under the lock; an I/O failure inside it takes the log offline. */
    private <T> T mutate(java.util.function.Supplier<T> mutation) {
        synchronized (lock) {
            checkOpen();
            try {
                return mutation.get();
            } catch (StorageException e) {
                takeOffline(e);
                throw e;
            }
        }
    }

    private void takeOffline(StorageException cause) {
        synchronized (lock) {
            if (offlineReason == null) {
                offlineReason = cause.getMessage();
                LOG.error("{} is offline: {}", logPrefix, cause.getMessage(), cause);
            }
        }
    }

    private void mutate(Runnable mutation) {
        mutate(() -> {
            mutation.run();
            return null;
        });
    }

    /** Null while the log is usable; otherwise why it went offline. */
    public String offlineReason() {
        return offlineReason;
    }

    @Override
    public String toString() {
        return logPrefix + " start=" + logStartOffset + " end=" + end.offset() + " segments=" + segments.size();
    }
}
