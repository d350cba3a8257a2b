package io.fjord.storage.log;

import io.fjord.proto.record.CorruptRecordException;
import io.fjord.proto.record.RecordBatch;
import io.fjord.proto.record.TimestampType;

import java.nio.ByteBuffer;

/**
 * Producer batches that passed full validation: every batch header (length, magic, CRC-32C, counts), no control,
 * transactional or LogAppendTime batches, and every record inside, walked and checked
 * ({@link RecordBatch#validateRecords(int)}), with compressed sections allowed to expand to at most
 * {@link #MAX_EXPANSION} times {@code max.message.bytes} (at least 64 MiB).
 * The only way to make one is {@link #fromProducer}, so {@link PartitionLog#appendAsLeader} cannot be handed
 * unchecked client bytes.
 *
 * <p>Validation is CPU work that needs no lock: a broker does it on the request thread, so producers to one partition
 * validate in parallel and the partition's lock covers only stamping and writing. The buffer is owned by this object
 * from then on; the log stamps offsets into it.
 */
public final class ValidatedBatches {
    /** Decompressed records may be at most this many times {@code max.message.bytes} (and at least 64 MiB). */
    public static final int MAX_EXPANSION = 64;
    private static final long MIN_DECOMPRESSED_LIMIT_BYTES = 64L << 20;

    private final ByteBuffer records;
    private final BatchValidator.Summary summary;

    private ValidatedBatches(ByteBuffer records, BatchValidator.Summary summary) {
        this.records = records.duplicate(); // position and limit are ours: later moves by the caller cannot matter
        this.summary = summary;
    }

    /**
     * @throws CorruptRecordException  naming the batch and the problem
     * @throws RecordTooLargeException if a batch exceeds {@code maxMessageBytes}
     */
    public static ValidatedBatches fromProducer(ByteBuffer records, int maxMessageBytes) {
        BatchValidator.Summary summary = BatchValidator.validate(records, maxMessageBytes, true);
        int decompressedLimit = (int) Math.min(Integer.MAX_VALUE - 8,
                Math.max(MIN_DECOMPRESSED_LIMIT_BYTES, (long) MAX_EXPANSION * maxMessageBytes));
        RecordBatch batch = new RecordBatch();
        int index = 0;
        for (int p = records.position(); p < records.limit(); p += batch.sizeInBytes(), index++) {
            batch.wrap(records, p);
            if (batch.isControl() || batch.isTransactional()) {
                throw new CorruptRecordException("batch " + index + " is a "
                        + (batch.isControl() ? "control" : "transactional")
                        + " batch; producers may not send those (transactions are not supported yet)");
            }
            if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
                throw new CorruptRecordException("batch " + index + " claims LogAppendTime; producers send CreateTime"
                        + " batches (a broker sets LogAppendTime itself)");
            }
            try {
                batch.validateRecords(decompressedLimit);
            } catch (CorruptRecordException e) {
                throw new CorruptRecordException("batch " + index + ": " + e.getMessage());
            }
        }
        return new ValidatedBatches(records, summary);
    }

    ByteBuffer records() {
        return records;
    }

    BatchValidator.Summary summary() {
        return summary;
    }

    public int batchCount() {
        return summary.batchCount();
    }

    public int recordCount() {
        return summary.recordCount();
    }

    public int sizeInBytes() {
        return summary.sizeInBytes();
    }
}
