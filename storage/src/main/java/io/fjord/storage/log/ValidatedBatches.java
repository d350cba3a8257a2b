package io.fjord.storage.log;

import io.fjord.proto.record.CorruptRecordException;
import io.fjord.proto.record.RecordBatch;

import java.nio.ByteBuffer;

/**
 * Producer batches that passed full validation: every batch header (length, magic, CRC-32C, counts), no control or
 * transactional batches, and every record inside, walked and checked ({@link RecordBatch#validateRecords()}).
 * The only way to make one is {@link #fromProducer}, so {@link PartitionLog#appendAsLeader} cannot be handed
 * unchecked client bytes.
 *
 * <p>Validation is CPU work that needs no lock: a broker does it on the request thread, so producers to one partition
 * validate in parallel and the partition's lock covers only stamping and writing. The buffer is owned by this object
 * from then on; the log stamps offsets into it.
 */
public final class ValidatedBatches {
    private final ByteBuffer records;
    private final BatchValidator.Summary summary;

    private ValidatedBatches(ByteBuffer records, BatchValidator.Summary summary) {
        this.records = records;
        this.summary = summary;
    }

    /**
     * @throws CorruptRecordException  naming the batch and the problem
     * @throws RecordTooLargeException if a batch exceeds {@code maxMessageBytes}
     */
    public static ValidatedBatches fromProducer(ByteBuffer records, int maxMessageBytes) {
        BatchValidator.Summary summary = BatchValidator.validate(records, maxMessageBytes, true);
        RecordBatch batch = new RecordBatch();
        int index = 0;
        for (int p = records.position(); p < records.limit(); p += batch.sizeInBytes(), index++) {
            batch.wrap(records, p);
            if (batch.isControl() || batch.isTransactional()) {
                throw new CorruptRecordException("batch " + index + " is a "
                        + (batch.isControl() ? "control" : "transactional")
                        + " batch; producers may not send those (transactions are not supported yet)");
            }
            try {
                batch.validateRecords();
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
