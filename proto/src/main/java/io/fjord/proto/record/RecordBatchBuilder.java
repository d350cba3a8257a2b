package io.fjord.proto.record;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Builds one record batch. Records are encoded straight into a growing buffer, after room left for the header, as
 * they are appended; {@link #build()} compresses the records section (if a codec is set), writes the header and the
 * CRC, and returns the batch. Without compression the batch is built in place: no second buffer, no copy.
 *
 * <p>The first record's timestamp becomes {@code baseTimestamp}; offsets are relative to {@code baseOffset}
 * (0 unless set: the leader stamps the real one). Not thread-safe; one builder makes one batch.
 */
public final class RecordBatchBuilder {
    private static final Header[] NO_HEADERS = new Header[0];
    private static final int INITIAL_CAPACITY_BYTES = 1024;

    private final CompressionType compression;
    private ByteBuffer records;
    private long baseOffset;
    private int partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    private int baseSequence = RecordBatch.NO_SEQUENCE;
    private boolean transactional;
    private TimestampType timestampType = TimestampType.CREATE_TIME;
    private long baseTimestamp = RecordBatch.NO_TIMESTAMP;
    private long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private int recordCount;
    private boolean built;

    public RecordBatchBuilder(CompressionType compression) {
        this(compression, INITIAL_CAPACITY_BYTES);
    }

    public RecordBatchBuilder(CompressionType compression, int initialCapacityBytes) {
        this(compression, ByteBuffer.allocate(RecordBatch.HEADER_SIZE_BYTES + Math.max(64, initialCapacityBytes)));
    }

    /**
     * Builds into {@code buffer} (a heap buffer, written from index 0; pooled by the producer): the batch returned by
     * {@link #build()} without compression is a view of it. Records that outgrow it move to a bigger copy.
     */
    public RecordBatchBuilder(CompressionType compression, ByteBuffer buffer) {
        this.compression = Objects.requireNonNull(compression, "compression");
        if (!buffer.hasArray() || buffer.capacity() < RecordBatch.HEADER_SIZE_BYTES) {
            throw new IllegalArgumentException("a batch buffer must be a writable heap buffer of at least "
                    + RecordBatch.HEADER_SIZE_BYTES + " bytes");
        }
        this.records = buffer.clear().position(RecordBatch.HEADER_SIZE_BYTES);
    }

    public RecordBatchBuilder baseOffset(long baseOffset) {
        this.baseOffset = baseOffset;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int epoch) {
        this.partitionLeaderEpoch = epoch;
        return this;
    }

    /** Idempotent-producer identity: the producer id, its epoch, and the sequence of the first record. */
    public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    public RecordBatchBuilder transactional(boolean transactional) {
        this.transactional = transactional;
        return this;
    }

    public RecordBatchBuilder timestampType(TimestampType timestampType) {
        this.timestampType = Objects.requireNonNull(timestampType);
        return this;
    }

    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value) {
        return append(timestamp, key, value, NO_HEADERS);
    }

    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, Header... headers) {
        if (built) {
            throw new IllegalStateException("batch already built");
        }
        if (recordCount == 0) {
            baseTimestamp = timestamp;
        }
        Header[] hs = headers == null ? NO_HEADERS : headers;
        long timestampDelta = timestamp - baseTimestamp;
        int bodySize = RecordCodec.bodySize(recordCount, timestampDelta, key, value, hs);
        ensureCapacity(RecordCodec.sizeWithLengthPrefix(bodySize));
        RecordCodec.write(records, bodySize, recordCount, timestampDelta, key, value, hs);
        // not Math.max(NO_TIMESTAMP, ...): that would report -1 for a batch whose timestamps are all below -1
        maxTimestamp = recordCount == 0 ? timestamp : Math.max(maxTimestamp, timestamp);
        recordCount++;
        return this;
    }

    public int recordCount() {
        return recordCount;
    }

    /** Size of the batch if built now without compression: an upper bound for deciding when a batch is full. */
    public int estimatedSizeInBytes() {
        return records.position();
    }

    /** Bytes a record would add, for checking {@code batch.size} before appending it. */
    public static int recordSizeUpperBound(byte[] key, byte[] value, Header... headers) {
        int body = RecordCodec.bodySize(Integer.MAX_VALUE, Long.MAX_VALUE, key, value,
                headers == null ? NO_HEADERS : headers);
        return RecordCodec.sizeWithLengthPrefix(body);
    }

    /** Finishes the batch. The returned buffer holds exactly the batch, position 0. */
    public ByteBuffer build() {
        if (recordCount == 0) {
            throw new IllegalStateException("a batch needs at least one record");
        }
        built = true;
        ByteBuffer batch;
        if (compression == CompressionType.NONE) {
            batch = records.slice(0, records.position());
        } else {
            byte[] section = compression.compress(records.array(),
                    records.arrayOffset() + RecordBatch.HEADER_SIZE_BYTES,
                    records.position() - RecordBatch.HEADER_SIZE_BYTES);
            batch = ByteBuffer.allocate(RecordBatch.HEADER_SIZE_BYTES + section.length);
            batch.put(RecordBatch.HEADER_SIZE_BYTES, section);
        }
        ByteBuffer header = batch.duplicate();
        header.putLong(baseOffset);
        header.putInt(batch.capacity() - RecordBatch.LOG_OVERHEAD);
        header.putInt(partitionLeaderEpoch);
        header.put(RecordBatch.MAGIC);
        header.putInt(0); // CRC, filled in below
        header.putShort(attributes());
        header.putInt(recordCount - 1);
        header.putLong(baseTimestamp);
        header.putLong(maxTimestamp);
        header.putLong(producerId);
        header.putShort(producerEpoch);
        header.putInt(baseSequence);
        header.putInt(recordCount);
        int crc = (int) RecordBatch.crcOf(batch, RecordBatch.ATTRIBUTES_OFFSET,
                batch.capacity() - RecordBatch.ATTRIBUTES_OFFSET);
        batch.putInt(RecordBatch.CRC_OFFSET, crc);
        return batch;
    }

    private short attributes() {
        int attributes = compression.id();
        if (timestampType == TimestampType.LOG_APPEND_TIME) {
            attributes |= RecordBatch.TIMESTAMP_TYPE_MASK;
        }
        if (transactional) {
            attributes |= RecordBatch.TRANSACTIONAL_MASK;
        }
        return (short) attributes;
    }

    private void ensureCapacity(int extraBytes) {
        if (records.remaining() >= extraBytes) {
            return;
        }
        long wanted = Math.max((long) records.capacity() * 2, (long) records.position() + extraBytes);
        if (wanted > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException("record batch larger than 2 GiB");
        }
        ByteBuffer bigger = ByteBuffer.allocate((int) wanted);
        records.flip();
        bigger.put(records);
        records = bigger;
    }
}
