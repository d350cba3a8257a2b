package io.fjord.storage.log;

import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.Record;
import io.fjord.proto.record.RecordBatch;
import io.fjord.proto.record.RecordBatchBuilder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helpers for building and decoding batches. */
public final class Batches {
    private Batches() {
    }

    /** One uncompressed batch of {@code values}, all with {@code timestamp}. */
    public static ByteBuffer of(long timestamp, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (String v : values) {
            builder.append(timestamp, null, v.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    /** A batch of {@code count} records of {@code valueBytes} bytes each. */
    public static ByteBuffer sized(long timestamp, int count, int valueBytes) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (int i = 0; i < count; i++) {
            builder.append(timestamp, null, new byte[valueBytes]);
        }
        return builder.build();
    }

    /** Every record in {@code buffer} (which holds whole batches), in order. */
    public static List<Record> records(ByteBuffer buffer) {
        List<Record> out = new ArrayList<>();
        RecordBatch batch = new RecordBatch();
        for (int p = buffer.position(); p < buffer.limit(); p += batch.sizeInBytes()) {
            batch.wrap(buffer, p);
            batch.ensureValid(buffer.limit());
            out.addAll(batch.records());
        }
        return out;
    }

    /** Values of every record at or above {@code fromOffset} in the log, read to its end. */
    public static List<String> readValues(PartitionLog log, long fromOffset) {
        List<String> out = new ArrayList<>();
        long offset = fromOffset;
        while (offset < log.logEndOffset()) {
            FetchDataInfo data = log.read(offset, 4096, Long.MAX_VALUE, true);
            List<Record> records = records(data.records());
            if (records.isEmpty()) {
                break;
            }
            for (Record r : records) {
                if (r.offset() >= offset) {
                    out.add(r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            offset = records.get(records.size() - 1).offset() + 1;
        }
        return out;
    }
}
