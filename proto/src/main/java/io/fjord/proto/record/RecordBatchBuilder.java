package io.fjord.proto.record;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Builds one record batch. Records are encoded straight into a growing buffer as they are appended; {@link #build()}
 * compresses the records section (if a codec is set), writes the header and the CRC, and returns the batch.
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
        this.compression = Objects.requireNonNull(compression, "compression");
        this.records = ByteBuffer.allocate(Math.max(64, initialCapacityBytes));
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
        return RecordBatch.HEADER_SIZE_BYTES + records.position();
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
        byte[] section;
        int sectionLength;
        if (compression == CompressionType.NONE) {
            section = records.array();
            sectionLength = records.position();
        } else {
            section = compression.compress(records.array(), 0, records.position());
            sectionLength = section.length;
        }
        ByteBuffer out = ByteBuffer.allocate(RecordBatch.HEADER_SIZE_BYTES + sectionLength);
        out.putLong(baseOffset);
        out.putInt(out.capacity() - RecordBatch.LOG_OVERHEAD);
        out.putInt(partitionLeaderEpoch);
        out.put(RecordBatch.MAGIC);
        out.putInt(0); // CRC, filled in below
        out.putShort(attributes());
        out.putInt(recordCount - 1);
        out.putLong(baseTimestamp);
        out.putLong(maxTimestamp);
        out.putLong(producerId);
        out.putShort(producerEpoch);
        out.putInt(baseSequence);
        out.putInt(recordCount);
        out.put(section, 0, sectionLength);
        int crc = (int) RecordBatch.crcOf(out, RecordBatch.ATTRIBUTES_OFFSET,
                out.capacity() - RecordBatch.ATTRIBUTES_OFFSET);
        out.putInt(RecordBatch.CRC_OFFSET, crc);
        out.flip();
        return out;
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
