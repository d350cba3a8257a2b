package io.fjord.proto.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;

/**
 * Flyweight over one record batch in a {@link ByteBuffer}: Kafka's RecordBatch v2 layout (magic 2), specified in
 * {@code proto/RECORD_FORMAT.md}. All integers are big-endian.
 *
 * <pre>
 * offset size field
 *      0    8 baseOffset            stamped by the leader; not covered by the CRC
 *      8    4 batchLength           bytes after this field
 *     12    4 partitionLeaderEpoch  stamped by the leader; not covered by the CRC
 *     16    1 magic                 2
 *     17    4 crc                   CRC-32C over attributes .. end of batch
 *     21    2 attributes            bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control
 *     23    4 lastOffsetDelta
 *     27    8 baseTimestamp
 *     35    8 maxTimestamp
 *     43    8 producerId
 *     51    2 producerEpoch
 *     53    4 baseSequence
 *     57    4 recordCount
 *     61    - records (compressed as a whole when a codec is set)
 * </pre>
 *
 * <p>The flyweight reads and writes at absolute positions and never moves the buffer's position or limit. It is not
 * thread-safe; re-{@link #wrap} it to move to another batch. Header accessors do not check the CRC: call
 * {@link #ensureValid()} first on bytes that came from outside.
 */
public final class RecordBatch {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BATCH_LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORD_COUNT_OFFSET = 57;
    public static final int RECORDS_OFFSET = 61;

    /** Bytes before {@code batchLength} counts: baseOffset and batchLength itself. */
    public static final int LOG_OVERHEAD = 12;
    public static final int HEADER_SIZE_BYTES = RECORDS_OFFSET;
    public static final byte MAGIC = 2;

    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1L;

    static final int COMPRESSION_MASK = 0x07;
    static final int TIMESTAMP_TYPE_MASK = 0x08;
    static final int TRANSACTIONAL_MASK = 0x10;
    static final int CONTROL_MASK = 0x20;

    private ByteBuffer buffer;
    private int start;

    public RecordBatch() {
    }

    public RecordBatch(ByteBuffer buffer, int start) {
        wrap(buffer, start);
    }

    /** Points this flyweight at the batch starting at absolute position {@code start}. */
    public RecordBatch wrap(ByteBuffer buffer, int start) {
        if (buffer.order() != ByteOrder.BIG_ENDIAN) {
            throw new IllegalArgumentException("record batches are big-endian");
        }
        this.buffer = buffer;
        this.start = start;
        return this;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int start() {
        return start;
    }

    /**
     * Size of the batch starting at {@code position}, or -1 if fewer than {@link #LOG_OVERHEAD} bytes remain before
     * {@code limit}. Does not check that the whole batch is present.
     */
    public static int sizeAt(ByteBuffer buffer, int position, int limit) {
        if (limit - position < LOG_OVERHEAD) {
            return -1;
        }
        return LOG_OVERHEAD + buffer.getInt(position + BATCH_LENGTH_OFFSET);
    }

    public long baseOffset() {
        return buffer.getLong(start + BASE_OFFSET_OFFSET);
    }

    public int batchLength() {
        return buffer.getInt(start + BATCH_LENGTH_OFFSET);
    }

    public int sizeInBytes() {
        return LOG_OVERHEAD + batchLength();
    }

    public int partitionLeaderEpoch() {
        return buffer.getInt(start + PARTITION_LEADER_EPOCH_OFFSET);
    }

    public byte magic() {
        return buffer.get(start + MAGIC_OFFSET);
    }

    /** The stored CRC-32C, unsigned. */
    public long crc() {
        return Integer.toUnsignedLong(buffer.getInt(start + CRC_OFFSET));
    }

    public short attributes() {
        return buffer.getShort(start + ATTRIBUTES_OFFSET);
    }

    public CompressionType compressionType() {
        return CompressionType.forId(attributes() & COMPRESSION_MASK);
    }

    public TimestampType timestampType() {
        return (attributes() & TIMESTAMP_TYPE_MASK) == 0 ? TimestampType.CREATE_TIME : TimestampType.LOG_APPEND_TIME;
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_MASK) != 0;
    }

    public boolean isControl() {
        return (attributes() & CONTROL_MASK) != 0;
    }

    public int lastOffsetDelta() {
        return buffer.getInt(start + LAST_OFFSET_DELTA_OFFSET);
    }

    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    public long nextOffset() {
        return lastOffset() + 1;
    }

    public long baseTimestamp() {
        return buffer.getLong(start + BASE_TIMESTAMP_OFFSET);
    }

    public long maxTimestamp() {
        return buffer.getLong(start + MAX_TIMESTAMP_OFFSET);
    }

    public long producerId() {
        return buffer.getLong(start + PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return buffer.getShort(start + PRODUCER_EPOCH_OFFSET);
    }

    public int baseSequence() {
        return buffer.getInt(start + BASE_SEQUENCE_OFFSET);
    }

    public int recordCount() {
        return buffer.getInt(start + RECORD_COUNT_OFFSET);
    }

    /** Leader-side stamp: not covered by the CRC, so the CRC stays valid. */
    public void setBaseOffset(long baseOffset) {
        buffer.putLong(start + BASE_OFFSET_OFFSET, baseOffset);
    }

    /** Leader-side stamp: not covered by the CRC, so the CRC stays valid. */
    public void setPartitionLeaderEpoch(int epoch) {
        buffer.putInt(start + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /** CRC-32C of attributes through the end of the batch. */
    public long computeCrc() {
        return crcOf(buffer, start + ATTRIBUTES_OFFSET, sizeInBytes() - ATTRIBUTES_OFFSET);
    }

    static long crcOf(ByteBuffer buffer, int position, int length) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = buffer.duplicate();
        view.limit(position + length).position(position);
        crc.update(view);
        return crc.getValue();
    }

    /**
     * Checks everything a receiver must check before trusting the header: the batch lies within {@code limit},
     * its length is at least a header, magic is 2, the codec is known, counts agree, and the CRC matches.
     *
     * @throws CorruptRecordException naming the first problem found
     */
    public void ensureValid(int limit) {
        if (limit - start < HEADER_SIZE_BYTES) {
            throw new CorruptRecordException("batch truncated: " + (limit - start)
                    + " bytes left, a batch header needs " + HEADER_SIZE_BYTES);
        }
        int length = batchLength();
        if (length < HEADER_SIZE_BYTES - LOG_OVERHEAD) {
            throw new CorruptRecordException("batch length " + length + " is below the minimum "
                    + (HEADER_SIZE_BYTES - LOG_OVERHEAD));
        }
        if ((long) length + LOG_OVERHEAD > limit - start) {
            throw new CorruptRecordException("batch length " + length + " runs past the end of the data ("
                    + (limit - start - LOG_OVERHEAD) + " bytes available)");
        }
        if (magic() != MAGIC) {
            throw new CorruptRecordException("unsupported magic " + magic() + " (only " + MAGIC + " is supported)");
        }
        long stored = crc();
        long computed = computeCrc();
        if (stored != computed) {
            throw new CorruptRecordException(String.format(
                    "CRC mismatch: stored 0x%08x, computed 0x%08x", stored, computed));
        }
        compressionType();
        int count = recordCount();
        if (count < 0 || lastOffsetDelta() < 0 || (count > 0 && !isControl() && lastOffsetDelta() < count - 1)) {
            throw new CorruptRecordException("inconsistent batch counts: recordCount " + count
                    + ", lastOffsetDelta " + lastOffsetDelta());
        }
    }

    /** {@link #ensureValid(int)} against the buffer's limit. */
    public void ensureValid() {
        ensureValid(buffer.limit());
    }

    public boolean isValid() {
        try {
            ensureValid();
            return true;
        } catch (CorruptRecordException e) {
            return false;
        }
    }

    /**
     * Deep validation of a producer's batch, after {@link #ensureValid}: decompresses if needed and walks every record
     * without materializing it, checking that exactly {@code recordCount} well-formed records with offset deltas
     * 0..n-1 fill the section, and (for create-time batches) that {@code maxTimestamp} is their largest timestamp.
     *
     * @throws CorruptRecordException naming the first problem
     */
    public void validateRecords() {
        validateRecords(Integer.MAX_VALUE - 8);
    }

    /**
     * {@link #validateRecords()} with a cap on the decompressed size of the records section: a section that expands
     * beyond {@code maxDecompressedBytes} is corrupt (a decompression bomb), found without inflating it all.
     */
    public void validateRecords(int maxDecompressedBytes) {
        int count = recordCount();
        if (count <= 0) {
            throw new CorruptRecordException("batch has no records");
        }
        ByteBuffer section = recordsSection();
        byte[] bytes;
        int from;
        int to;
        CompressionType codec = compressionType();
        if (codec != CompressionType.NONE || !section.hasArray()) {
            byte[] stored = new byte[section.remaining()];
            section.get(stored);
            bytes = codec == CompressionType.NONE ? stored
                    : codec.decompress(stored, 0, stored.length, maxDecompressedBytes);
            from = 0;
            to = bytes.length;
        } else {
            bytes = section.array();
            from = section.arrayOffset() + section.position();
            to = section.arrayOffset() + section.limit();
        }
        long maxDelta = new RecordsWalker(bytes, from, to).walk(count);
        if (timestampType() == TimestampType.CREATE_TIME && baseTimestamp() + maxDelta != maxTimestamp()) {
            throw new CorruptRecordException("maxTimestamp " + maxTimestamp() + " is not the largest record timestamp "
                    + (baseTimestamp() + maxDelta));
        }
    }

    /** The records section as it is stored (compressed if a codec is set), as a read-only slice. */
    public ByteBuffer recordsSection() {
        ByteBuffer view = buffer.duplicate();
        view.limit(start + sizeInBytes()).position(start + RECORDS_OFFSET);
        return view.slice();
    }

    /**
     * Decodes every record, decompressing if needed. Offsets are absolute (baseOffset + delta); with
     * {@link TimestampType#LOG_APPEND_TIME} every record carries {@code maxTimestamp}.
     *
     * @throws CorruptRecordException if a record is malformed or the section does not hold {@code recordCount}
     */
    public List<Record> records() {
        List<Record> out = new ArrayList<>(Math.max(0, Math.min(recordCount(), 1 << 16)));
        iterator().forEachRemaining(out::add);
        return out;
    }

    /** Lazily decodes records; see {@link #records()}. The iterator captures the batch; re-wrapping is safe. */
    public Iterator<Record> iterator() {
        int count = recordCount();
        if (count < 0) {
            throw new CorruptRecordException("invalid record count " + count);
        }
        ByteBuffer section = recordsSection();
        CompressionType codec = compressionType();
        if (codec != CompressionType.NONE) {
            byte[] compressed = new byte[section.remaining()];
            section.get(compressed);
            section = ByteBuffer.wrap(codec.decompress(compressed, 0, compressed.length));
        }
        return new RecordIterator(section, baseOffset(), baseTimestamp(),
                timestampType() == TimestampType.LOG_APPEND_TIME ? maxTimestamp() : NO_TIMESTAMP, count);
    }

    @Override
    public String toString() {
        return "RecordBatch(baseOffset=" + baseOffset() + ", lastOffset=" + lastOffset() + ", count=" + recordCount()
                + ", size=" + sizeInBytes() + ", epoch=" + partitionLeaderEpoch() + ")";
    }

    private static final class RecordIterator implements Iterator<Record> {
        private final ByteBuffer in;
        private final long baseOffset;
        private final long baseTimestamp;
        private final long logAppendTime;
        private int remaining;

        RecordIterator(ByteBuffer in, long baseOffset, long baseTimestamp, long logAppendTime, int count) {
            this.in = in;
            this.baseOffset = baseOffset;
            this.baseTimestamp = baseTimestamp;
            this.logAppendTime = logAppendTime;
            this.remaining = count;
        }

        @Override
        public boolean hasNext() {
            if (remaining == 0 && in.hasRemaining()) {
                throw new CorruptRecordException(in.remaining() + " bytes left after the last record of the batch");
            }
            return remaining > 0;
        }

        @Override
        public Record next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            remaining--;
            try {
                return RecordCodec.read(in, baseOffset, baseTimestamp, logAppendTime);
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                throw new CorruptRecordException("record truncated or malformed: " + e, e);
            }
        }
    }
}
