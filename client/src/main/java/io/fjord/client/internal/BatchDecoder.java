package io.fjord.client.internal;

import io.fjord.client.ConsumerRecord;
import io.fjord.client.TopicPartition;
import io.fjord.proto.record.Record;
import io.fjord.proto.record.RecordBatch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the raw record batches of a fetch answer (the fast path) into records, client-side. A fetch at offset
 * {@code o} may return a batch starting before {@code o} (the broker sends whole batches): records before {@code o}
 * are skipped. Control batches are skipped, and a trailing partial batch is ignored. Each batch's CRC is checked.
 * Stateless; thread-safe.
 */
public final class BatchDecoder {
    /** The records at or after the fetch offset, and where the next fetch starts. */
    public record Decoded(List<ConsumerRecord> records, long nextFetchOffset) {
    }

    private BatchDecoder() {
    }

    public static Decoded decode(TopicPartition tp, ByteBuffer batches, long fetchOffset) {
        ByteBuffer buffer = batches.slice();
        int limit = buffer.limit();
        int position = 0;
        long next = fetchOffset;
        List<ConsumerRecord> out = new ArrayList<>();
        RecordBatch batch = new RecordBatch();
        while (true) {
            int size = RecordBatch.sizeAt(buffer, position, limit);
            if (size < RecordBatch.HEADER_SIZE_BYTES || position + size > limit) {
                break;
            }
            batch.wrap(buffer, position);
            batch.ensureValid(limit);
            if (batch.nextOffset() > fetchOffset && !batch.isControl()) {
                for (Record r : batch.records()) {
                    if (r.offset() >= fetchOffset) {
                        out.add(new ConsumerRecord(tp.topic(), tp.partition(), r.offset(), r.timestamp(), r.key(),
                                r.value(), r.headers()));
                    }
                }
            }
            next = Math.max(next, batch.nextOffset());
            position += size;
        }
        return new Decoded(out, next);
    }
}
