package io.fjord.proto.record;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leader's record-by-record validation of producer batches ({@link RecordBatch#validateRecords()}). */
class ValidateRecordsTest {
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void wellFormedBatchesPass(CompressionType codec) {
        ByteBuffer batch = TestBatches.build(codec, TestBatches.randomInputs(new Random(9), 200));
        RecordBatch view = new RecordBatch(batch, 0);
        view.ensureValid();
        assertDoesNotThrow(view::validateRecords);
    }

    @Test
    void aDirectBufferIsValidatedToo() {
        ByteBuffer heap = TestBatches.build(CompressionType.NONE, TestBatches.randomInputs(new Random(2), 20));
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining()).put(heap.duplicate()).flip();
        assertDoesNotThrow(() -> new RecordBatch(direct, 0).validateRecords());
    }

    @Test
    void offsetDeltasMustRunFromZero() {
        TestBatches.Bytes section = new TestBatches.Bytes();
        section.append(TestBatches.record(0, 0, "k", "a"));
        section.append(TestBatches.record(2, 0, "k", "b"));
        RecordBatch batch = TestBatches.wrap(TestBatches.handBatch(0, 1, 2, section.toByteArray()));
        batch.ensureValid();
        assertTrue(batch.records().size() == 2, "the decoder accepts a gap in offset deltas");
        CorruptRecordException e = assertThrows(CorruptRecordException.class, batch::validateRecords);
        assertTrue(e.getMessage().contains("record 1 has offset delta 2"), e.getMessage());
    }
}
