package io.fjord.storage.log;

import io.fjord.proto.record.CorruptRecordException;
import io.fjord.proto.record.Record;
import io.fjord.proto.record.RecordBatch;
import io.fjord.storage.StorageException;
import io.fjord.storage.index.IndexCorruptException;
import io.fjord.storage.index.OffsetIndex;
import io.fjord.storage.index.OffsetPosition;
import io.fjord.storage.index.TimeIndex;
import io.fjord.storage.index.TimestampOffset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * One segment of a partition log: {@code <baseOffset:020d>.log} with its sparse {@code .index} and
 * {@code .timeindex}. Batches are appended whole; indexes gain an entry every {@code index.interval.bytes}.
 *
 * <p>Thread-safety: mutations (append, recover, truncate, roll, close) come from the owning log under its lock;
 * {@link #read} and the lookups run concurrently with them, bounded by a position the log has already published.
 */
public final class LogSegment implements AutoCloseable {
    public static final String LOG_SUFFIX = ".log";

    private final long baseOffset;
    private final SegmentFile log;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;
    private final long createdMs;
    private boolean indexesMissing;
    private boolean recoveredOnLoad;

    private volatile int sizeBytes;
    private volatile long nextOffset;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private long offsetOfMaxTimestamp;
    private long firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
    private int bytesSinceLastIndexEntry;

    private LogSegment(Path dir, long baseOffset, LogConfig config, long nowMs) {
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = config.indexIntervalBytes();
        this.createdMs = nowMs;
        this.log = new SegmentFile(dir.resolve(fileName(baseOffset, LOG_SUFFIX)));
        Path offsetIndexFile = dir.resolve(fileName(baseOffset, OffsetIndex.SUFFIX));
        Path timeIndexFile = dir.resolve(fileName(baseOffset, TimeIndex.SUFFIX));
        this.indexesMissing = !Files.exists(offsetIndexFile) || !Files.exists(timeIndexFile);
        this.offsetIndex = openIndex(offsetIndexFile, () -> new OffsetIndex(offsetIndexFile, baseOffset,
                config.maxIndexSizeBytes()));
        this.timeIndex = openIndex(timeIndexFile, () -> new TimeIndex(timeIndexFile, baseOffset,
                config.maxIndexSizeBytes()));
        this.nextOffset = baseOffset;
        this.offsetOfMaxTimestamp = baseOffset;
    }

    /** A new, empty segment; stale files with its name (left by an earlier deletion) are removed first. */
    static LogSegment create(Path dir, long baseOffset, LogConfig config, long nowMs) {
        for (String suffix : new String[] {LOG_SUFFIX, OffsetIndex.SUFFIX, TimeIndex.SUFFIX}) {
            deleteQuietly(dir.resolve(fileName(baseOffset, suffix)));
        }
        return new LogSegment(dir, baseOffset, config, nowMs);
    }

    /**
     * Opens an existing segment. If it was closed cleanly and its indexes pass their checks it is ready; otherwise
     * it is {@link #recover recovered}. Returns the segment; {@link #recover} reports truncation itself.
     */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, long nowMs) {
        return new LogSegment(dir, baseOffset, config, nowMs);
    }

    public static String fileName(long baseOffset, String suffix) {
        return String.format("%020d%s", baseOffset, suffix);
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Offset after the last batch; equals {@link #baseOffset()} while empty. */
    public long nextOffset() {
        return nextOffset;
    }

    public int sizeInBytes() {
        return sizeBytes;
    }

    /** The largest batch timestamp in the segment, or the log file's modification time if it has none. */
    public long largestTimestamp() {
        if (maxTimestamp >= 0) {
            return maxTimestamp;
        }
        try {
            return Files.getLastModifiedTime(log.path()).toMillis();
        } catch (IOException e) {
            return createdMs;
        }
    }

    /** Whether this segment was rescanned batch by batch when it was loaded (or later truncated by recovery). */
    public boolean wasRecovered() {
        return recoveredOnLoad;
    }

    public OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    public TimeIndex timeIndex() {
        return timeIndex;
    }

    /**
     * Whether appending {@code incomingBytes} ending at {@code incomingLastOffset} should go to a new segment: it
     * would pass {@code segment.bytes}, an index is full, the offsets would not fit, or {@code segment.ms} has passed.
     * Time is Kafka's: the incoming batches' max timestamp minus the segment's first batch timestamp (so a replay of
     * old data does not roll on every append), or the wall-clock age of the segment when it has no timestamps.
     */
    boolean shouldRoll(int incomingBytes, long incomingLastOffset, long incomingMaxTimestamp, long nowMs,
                       LogConfig config) {
        if (sizeBytes == 0) {
            return false;
        }
        long waitedMs = firstBatchTimestamp >= 0 && incomingMaxTimestamp >= 0
                ? incomingMaxTimestamp - firstBatchTimestamp : nowMs - createdMs;
        return sizeBytes > config.segmentBytes() - incomingBytes
                || waitedMs > config.segmentMs()
                || offsetIndex.isFull()
                || timeIndex.isFull()
                || incomingLastOffset - baseOffset > Integer.MAX_VALUE;
    }

    /** Whether offsets up to {@code lastOffset} can be stored relative to this segment's base. */
    boolean canHoldOffset(long lastOffset) {
        return lastOffset >= baseOffset && lastOffset - baseOffset <= Integer.MAX_VALUE;
    }

    /**
     * Appends validated, offset-stamped batches lying between the buffer's position and limit. The bytes are
     * written first and indexed after; if the write fails, the file is cut back and nothing changes.
     */
    void append(ByteBuffer batches) {
        int start = batches.position();
        int writePosition = sizeBytes;
        try {
            log.writeFully(batches.duplicate(), writePosition);
        } catch (StorageException e) {
            log.truncateTo(writePosition);
            throw e;
        }
        RecordBatch batch = new RecordBatch();
        for (int p = start; p < batches.limit(); p += batch.sizeInBytes()) {
            batch.wrap(batches, p);
            indexBatch(batch.lastOffset(), batch.maxTimestamp(), writePosition + (p - start), batch.sizeInBytes());
        }
        sizeBytes = writePosition + batches.remaining();
        nextOffset = batch.nextOffset();
    }

    private void indexBatch(long lastOffset, long batchMaxTimestamp, int position, int size) {
        if (firstBatchTimestamp < 0 && position == 0) {
            firstBatchTimestamp = batchMaxTimestamp;
        }
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
            offsetOfMaxTimestamp = lastOffset;
        }
        // both indexes advance together, so the time index always covers up to the last offset-index entry
        if (bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull() && !timeIndex.isFull()) {
            offsetIndex.append(lastOffset, position);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += size;
    }

    /**
     * Whole batches from the one containing {@code startOffset}: at most {@code maxBytes} (but the first batch
     * whole if {@code minOneBatch}), none at or past {@code maxPosition} or starting at or past
     * {@code maxOffsetExclusive}. Null if this segment holds nothing at or after {@code startOffset}.
     */
    ByteBuffer read(long startOffset, int maxBytes, long maxPosition, long maxOffsetExclusive, boolean minOneBatch)
            throws IOException {
        BatchHeader first = translateOffset(startOffset, maxPosition);
        if (first == null) {
            return null;
        }
        if (first.baseOffset() >= maxOffsetExclusive) {
            return ByteBuffer.allocate(0);
        }
        int want = (int) Math.min(maxBytes, maxPosition - first.position());
        if (minOneBatch && first.sizeInBytes() > want) {
            want = first.sizeInBytes();
        }
        ByteBuffer buf = log.read(first.position(), want);
        int end = 0;
        while (true) {
            int size = RecordBatch.sizeAt(buf, end, buf.limit());
            if (size < 0 || end + size > buf.limit() || buf.getLong(end) >= maxOffsetExclusive) {
                break;
            }
            end += size;
        }
        return buf.limit(end);
    }

    /** The first batch whose last offset is at least {@code offset}, searching below {@code maxPosition}. */
    BatchHeader translateOffset(long offset, long maxPosition) throws IOException {
        int position = offsetIndex.lookup(offset).position();
        while (true) {
            BatchHeader header = log.readHeader(position, maxPosition);
            if (header == null || header.lastOffset() >= offset) {
                return header;
            }
            position = header.endPosition();
        }
    }

    /**
     * The first record at or after {@code startingOffset} whose timestamp is at least {@code timestamp}, as
     * (its timestamp, its offset), or null if this segment has none.
     */
    TimestampOffset findOffsetByTimestamp(long timestamp, long startingOffset, long maxPosition) throws IOException {
        TimestampOffset indexed = timeIndex.lookup(timestamp);
        int position = offsetIndex.lookup(Math.max(indexed.offset(), startingOffset)).position();
        while (true) {
            BatchHeader header = log.readHeader(position, maxPosition);
            if (header == null) {
                return null;
            }
            if (header.maxTimestamp() >= timestamp && header.lastOffset() >= startingOffset) {
                ByteBuffer bytes = log.read(header.position(), header.sizeInBytes());
                Iterator<Record> records = new RecordBatch(bytes, 0).iterator();
                while (records.hasNext()) {
                    Record r = records.next();
                    if (r.timestamp() >= timestamp && r.offset() >= startingOffset) {
                        return new TimestampOffset(r.timestamp(), r.offset());
                    }
                }
            }
            position = header.endPosition();
        }
    }

    /**
     * Loads a cleanly closed segment: checks its indexes and re-validates the batches after the last index entry.
     * Returns false if anything is off, in which case the caller must {@link #recover} it.
     */
    boolean loadClean() {
        try {
            long fileSize = log.sizeOnDisk();
            if (indexesMissing && fileSize > 0 || fileSize > Integer.MAX_VALUE) {
                return false;
            }
            offsetIndex.sanityCheck(fileSize);
            if (!scanTail(fileSize)) {
                return false;
            }
            timeIndex.sanityCheck(nextOffset);
            BatchHeader first = log.readHeader(0, sizeBytes);
            firstBatchTimestamp = first == null ? RecordBatch.NO_TIMESTAMP : first.maxTimestamp();
            return true;
        } catch (IndexCorruptException | IOException e) {
            return false;
        }
    }

    /**
     * Sets size, next offset and max timestamp by validating the batches from the last offset-index entry to
     * {@code fileSize}. False if a batch there is torn or corrupt.
     */
    private boolean scanTail(long fileSize) throws IOException {
        OffsetPosition lastEntry = offsetIndex.lastEntry();
        TimestampOffset lastTime = timeIndex.lastEntry();
        maxTimestamp = lastTime.timestamp();
        offsetOfMaxTimestamp = lastTime.offset();
        int position = lastEntry.position();
        long next = offsetIndex.entries() == 0 ? baseOffset : lastEntry.offset() + 1;
        while (position < fileSize) {
            BatchHeader header = validBatchAt(position, fileSize);
            if (header == null) {
                return false;
            }
            if (header.maxTimestamp() > maxTimestamp) {
                maxTimestamp = header.maxTimestamp();
                offsetOfMaxTimestamp = header.lastOffset();
            }
            next = header.nextOffset();
            position = header.endPosition();
        }
        sizeBytes = position;
        nextOffset = next;
        bytesSinceLastIndexEntry = position - lastEntry.position();
        return true;
    }

    /** The header of the batch at {@code position} if the whole batch is present and passes its CRC, else null. */
    private BatchHeader validBatchAt(int position, long limit) throws IOException {
        BatchHeader header = log.readHeader(position, limit);
        if (header == null || header.lastOffset() - baseOffset > Integer.MAX_VALUE || header.baseOffset() < baseOffset) {
            return null;
        }
        try {
            new RecordBatch(log.read(position, header.sizeInBytes()), 0).ensureValid();
            return header;
        } catch (CorruptRecordException e) {
            return null;
        }
    }

    /**
     * Rebuilds the indexes by scanning every batch and truncates the log at the first torn, corrupt or out-of-order
     * batch, but only where data may be unflushed: if that batch starts below {@code recoveryPoint} (fsynced data,
     * so damage means a bad disk) nothing is cut and a {@link StorageException} says why. Returns the bytes truncated.
     */
    long recover(long recoveryPoint) {
        recoveredOnLoad = true;
        try {
            offsetIndex.makeWritable();
            timeIndex.makeWritable();
            offsetIndex.reset();
            timeIndex.reset();
            maxTimestamp = RecordBatch.NO_TIMESTAMP;
            offsetOfMaxTimestamp = baseOffset;
            firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
            bytesSinceLastIndexEntry = 0;
            long fileSize = Math.min(log.sizeOnDisk(), Integer.MAX_VALUE);
            int position = 0;
            long next = baseOffset;
            while (true) {
                BatchHeader header = validBatchAt(position, fileSize);
                if (header == null || header.baseOffset() < next) {
                    break;
                }
                indexBatch(header.lastOffset(), header.maxTimestamp(), position, header.sizeInBytes());
                next = header.nextOffset();
                position = header.endPosition();
            }
            long truncated = log.sizeOnDisk() - position;
            if (truncated > 0 && next < recoveryPoint) {
                throw new StorageException("segment " + log.path() + " holds " + truncated + " invalid bytes from"
                        + " position " + position + " (offset " + next + "), below the recovery point " + recoveryPoint
                        + ": fsynced data is damaged; refusing to truncate it");
            }
            log.truncateTo(position);
            sizeBytes = position;
            nextOffset = next;
            return truncated;
        } catch (IOException e) {
            throw new StorageException("cannot recover segment " + log.path(), e);
        }
    }

    /**
     * Removes the batch containing {@code offset} and everything after it. Returns the bytes removed.
     * Afterwards {@link #nextOffset()} is at most {@code offset}.
     */
    int truncateTo(long offset) {
        try {
            BatchHeader cut = translateOffset(offset, sizeBytes);
            if (cut == null) {
                return 0;
            }
            int removed = sizeBytes - cut.position();
            offsetIndex.truncateTo(cut.baseOffset());
            timeIndex.truncateTo(cut.baseOffset());
            log.truncateTo(cut.position());
            if (!scanTail(cut.position())) {
                throw new StorageException("segment " + log.path() + " is corrupt below truncation point "
                        + cut.position());
            }
            if (sizeBytes == 0) {
                firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
            }
            return removed;
        } catch (IOException e) {
            throw new StorageException("cannot truncate segment " + log.path(), e);
        }
    }

    /** Called when a newer segment takes over appends: shrinks the preallocated indexes. */
    void onBecomeInactive() {
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /** Called when this segment takes appends again (after load or truncation). */
    void onBecomeActive() {
        offsetIndex.makeWritable();
        timeIndex.makeWritable();
    }

    void flush() {
        log.flush();
        offsetIndex.flush();
        timeIndex.flush();
    }

    @Override
    public void close() {
        offsetIndex.close();
        timeIndex.close();
        log.close();
    }

    /** Closes and removes the segment's files. */
    void delete() {
        try {
            log.close();
        } catch (StorageException ignored) {
            // deleting anyway
        }
        deleteQuietly(log.path());
        offsetIndex.delete();
        timeIndex.delete();
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new StorageException("cannot delete " + path, e);
        }
    }

    private <T> T openIndex(Path file, java.util.function.Supplier<T> opener) {
        try {
            return opener.get();
        } catch (IndexCorruptException e) {
            deleteQuietly(file);
            indexesMissing = true;
            return opener.get();
        }
    }

    /** Simulates a crash for tests: releases the file without trimming indexes, flushing or any clean-up. */
    void closeAbruptly() {
        log.close();
    }

    @Override
    public String toString() {
        return "LogSegment(base=" + baseOffset + ", next=" + nextOffset + ", size=" + sizeBytes + ")";
    }
}
