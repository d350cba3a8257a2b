package io.fjord.client.internal;

import io.fjord.client.ConsumerRecord;
import io.fjord.client.TopicPartition;
import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.CorruptRecordException;
import io.fjord.proto.record.RecordBatchBuilder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BatchDecoderTest {
    private final TopicPartition tp = new TopicPartition("t", 0);

    static ByteBuffer batch(long baseOffset, CompressionType compression, String... values) {
        RecordBatchBuilder b = new RecordBatchBuilder(compression).baseOffset(baseOffset);
        for (String v : values) {
            b.append(1000 + baseOffset, ("k" + v).getBytes(StandardCharsets.UTF_8),
                    v.getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    static ByteBuffer concat(ByteBuffer... parts) {
        int size = 0;
        for (ByteBuffer p : parts) {
            size += p.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer p : parts) {
            out.put(p.duplicate());
        }
        return out.flip();
    }

    private static List<String> values(List<ConsumerRecord> records) {
        return records.stream().map(ConsumerRecord::valueAsString).toList();
    }

    @Test
    void skipsRecordsBeforeTheFetchOffsetInTheFirstBatch() {
        ByteBuffer bytes = concat(batch(10, CompressionType.NONE, "a", "b", "c", "d"),
                batch(14, CompressionType.LZ4, "e", "f"));
        BatchDecoder.Decoded decoded = BatchDecoder.decode(tp, bytes, 12);
        assertEquals(List.of("c", "d", "e", "f"), values(decoded.records()));
        assertEquals(12, decoded.records().get(0).offset());
        assertEquals(15, decoded.records().get(3).offset());
        assertEquals("kc", decoded.records().get(0).keyAsString());
        assertEquals(16, decoded.nextFetchOffset());
    }

    @Test
    void aBatchEntirelyBeforeThePositionYieldsNothingButMovesOn() {
        BatchDecoder.Decoded decoded = BatchDecoder.decode(tp, batch(0, CompressionType.GZIP, "a", "b"), 2);
        assertEquals(List.of(), decoded.records());
        assertEquals(2, decoded.nextFetchOffset());
    }

    @Test
    void aTrailingPartialBatchIsIgnored() {
        ByteBuffer whole = batch(0, CompressionType.NONE, "a");
        ByteBuffer second = batch(1, CompressionType.NONE, "b");
        ByteBuffer truncated = concat(whole, second.duplicate().limit(second.remaining() - 3));
        BatchDecoder.Decoded decoded = BatchDecoder.decode(tp, truncated, 0);
        assertEquals(List.of("a"), values(decoded.records()));
        assertEquals(1, decoded.nextFetchOffset());
        assertEquals(List.of(), BatchDecoder.decode(tp, ByteBuffer.allocate(0), 5).records());
    }

    @Test
    void aCorruptBatchIsReported() {
        ByteBuffer bytes = batch(0, CompressionType.NONE, "hello");
        bytes.put(bytes.limit() - 1, (byte) (bytes.get(bytes.limit() - 1) ^ 0xff));
        assertThrows(CorruptRecordException.class, () -> BatchDecoder.decode(tp, bytes, 0));
    }
}
