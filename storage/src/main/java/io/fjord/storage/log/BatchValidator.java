package io.fjord.storage.log;

import io.fjord.proto.record.CorruptRecordException;
import io.fjord.proto.record.RecordBatch;

import java.nio.ByteBuffer;

/**
 * Checks every batch of an append before anything is written, so a bad request writes nothing. Pure.
 */
final class BatchValidator {
    /** Totals over the validated batches. */
    record Summary(int batchCount, int recordCount, long maxTimestamp, long firstBaseOffset, long lastOffset,
                   int sizeInBytes) {
    }

    private BatchValidator() {
    }

    /**
     * @param dense require {@code lastOffsetDelta == recordCount - 1} (true for producer batches)
     * @throws CorruptRecordException   naming the batch and the problem
     * @throws RecordTooLargeException if a batch exceeds {@code maxMessageBytes}
     */
    static Summary validate(ByteBuffer records, int maxMessageBytes, boolean dense) {
        if (!records.hasRemaining()) {
            throw new CorruptRecordException("no record batches to append");
        }
        RecordBatch batch = new RecordBatch();
        int limit = records.limit();
        int batches = 0;
        long count = 0;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        for (int p = records.position(); p < limit; p += batch.sizeInBytes()) {
            if (limit - p < RecordBatch.HEADER_SIZE_BYTES) {
                throw new CorruptRecordException("batch " + batches + ": " + (limit - p)
                        + " trailing bytes are too few for a batch header");
            }
            batch.wrap(records, p);
            try {
                batch.ensureValid(limit);
            } catch (CorruptRecordException e) {
                throw new CorruptRecordException("batch " + batches + " at byte " + (p - records.position())
                        + ": " + e.getMessage());
            }
            if (batch.sizeInBytes() > maxMessageBytes) {
                throw new RecordTooLargeException("batch " + batches + " is " + batch.sizeInBytes()
                        + " bytes, above max.message.bytes " + maxMessageBytes);
            }
            if (batch.recordCount() == 0) {
                throw new CorruptRecordException("batch " + batches + " has no records");
            }
            if (dense && batch.lastOffsetDelta() != batch.recordCount() - 1) {
                throw new CorruptRecordException("batch " + batches + ": lastOffsetDelta " + batch.lastOffsetDelta()
                        + " does not match recordCount " + batch.recordCount());
            }
            batches++;
            count += batch.recordCount();
            maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
        }
        RecordBatch first = new RecordBatch(records, records.position());
        if (batch.lastOffset() - first.baseOffset() > Integer.MAX_VALUE) {
            throw new CorruptRecordException("batches span offsets " + first.baseOffset() + " to "
                    + batch.lastOffset() + ", more than one segment can index");
        }
        if (count > Integer.MAX_VALUE) {
            throw new CorruptRecordException("batches claim " + count + " records, more than one append may hold");
        }
        return new Summary(batches, (int) count, maxTimestamp, first.baseOffset(), batch.lastOffset(),
                records.remaining());
    }
}
