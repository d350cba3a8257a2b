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
        assertDoesNotThrow(() -> view.validateRecords());
    }

    @Test
    void aDirectBufferIsValidatedToo() {
        ByteBuffer heap = TestBatches.build(CompressionType.NONE, TestBatches.randomInputs(new Random(2), 20));
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining()).put(heap.duplicate()).flip();
        assertDoesNotThrow(() -> new RecordBatch(direct, 0).validateRecords());
    }

    @Test
    void largeValuesWithThreeByteVarintsPass() {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (int i = 0; i < 3; i++) {
            builder.append(1_700_000_000_000L + i, new byte[300], new byte[20_000 + i], Header.of("h", "v"));
        }
        RecordBatch batch = new RecordBatch(builder.build(), 0);
        assertDoesNotThrow(() -> batch.validateRecords());
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aSectionThatExpandsPastTheLimitIsRejectedWithoutInflatingIt(CompressionType codec) {
        RecordBatchBuilder builder = new RecordBatchBuilder(codec);
        builder.append(1L, null, new byte[200_000]); // zeros: compresses to almost nothing
        RecordBatch batch = new RecordBatch(builder.build(), 0);
        assertTrue(batch.sizeInBytes() < 20_000, "the test needs a highly compressible batch");
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> batch.validateRecords(100_000));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
        assertDoesNotThrow(() -> batch.validateRecords(300_000));
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
