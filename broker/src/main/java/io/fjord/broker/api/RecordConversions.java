package io.fjord.broker.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.Header;
import io.fjord.proto.record.RecordBatch;
import io.fjord.proto.record.RecordBatchBuilder;
import io.fjord.proto.v1.Record;
import io.fjord.proto.v1.RecordHeader;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The simple path: decoded {@link Record}s to one uncompressed record batch (produce), and record batches back to
 * records at or after a fetch offset (fetch). Stateless.
 */
final class RecordConversions {
    private RecordConversions() {
    }

    /** One uncompressed batch of {@code records}; a timestamp of 0 means {@code nowMs}. Offsets are ignored. */
    static ByteBuffer toBatch(List<Record> records, long nowMs) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (Record r : records) {
            Header[] headers = new Header[r.getHeadersCount()];
            for (int i = 0; i < headers.length; i++) {
                RecordHeader h = r.getHeaders(i);
                headers[i] = new Header(h.getKey(), h.hasValue() ? h.getValue().toByteArray() : null);
            }
            builder.append(r.getTimestampMs() == 0 ? nowMs : r.getTimestampMs(),
                    r.hasKey() ? r.getKey().toByteArray() : null, r.hasValue() ? r.getValue().toByteArray() : null,
                    headers);
        }
        return builder.build();
    }

    /** Decodes the records at or after {@code fetchOffset} of the whole batches in {@code batches}. */
    static void decode(ByteBuffer batches, long fetchOffset, List<Record> out) {
        RecordBatch batch = new RecordBatch();
        for (int p = batches.position(); p < batches.limit(); p += batch.sizeInBytes()) {
            batch.wrap(batches, p);
            for (io.fjord.proto.record.Record r : batch.records()) {
                if (r.offset() < fetchOffset) {
                    continue;
                }
                Record.Builder b = Record.newBuilder().setOffset(r.offset()).setTimestampMs(r.timestamp());
                if (r.key() != null) {
                    b.setKey(UnsafeByteOperations.unsafeWrap(r.key()));
                }
                if (r.value() != null) {
                    b.setValue(UnsafeByteOperations.unsafeWrap(r.value()));
                }
                for (Header h : r.headers()) {
                    RecordHeader.Builder hb = RecordHeader.newBuilder().setKey(h.key());
                    if (h.value() != null) {
                        hb.setValue(ByteString.copyFrom(h.value()));
                    }
                    b.addHeaders(hb);
                }
                out.add(b.build());
            }
        }
    }

    /** The offset after the last whole batch in {@code batches}, or {@code fetchOffset} if there is none. */
    static long nextOffset(ByteBuffer batches, long fetchOffset) {
        RecordBatch batch = new RecordBatch();
        long next = fetchOffset;
        for (int p = batches.position(); p < batches.limit(); p += batch.sizeInBytes()) {
            batch.wrap(batches, p);
            next = batch.nextOffset();
        }
        return next;
    }
}
