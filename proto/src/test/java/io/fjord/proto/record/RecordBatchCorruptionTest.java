package io.fjord.proto.record;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What {@link RecordBatch#ensureValid()} rejects: damaged bytes, wrong magic, lengths that lie, truncation. */
class RecordBatchCorruptionTest {

    private static byte[] sampleBatch(CompressionType codec) {
        List<TestBatches.Input> inputs = TestBatches.randomInputs(new Random(0xC0FFEE), 12);
        return TestBatches.toArray(TestBatches.build(codec, inputs));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void everySingleBitFlipCoveredByTheCrcIsDetected(CompressionType codec) {
        byte[] good = sampleBatch(codec);
        assertTrue(TestBatches.wrap(good.clone()).isValid());
        int checked = 0;
        // the CRC field itself (17..20) and everything it covers (21..end)
        for (int position = RecordBatch.CRC_OFFSET; position < good.length; position++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[position] ^= (byte) (1 << bit);
                RecordBatch batch = TestBatches.wrap(bad);
                int at = position;
                int b = bit;
                CorruptRecordException e = assertThrows(CorruptRecordException.class, batch::ensureValid,
                        () -> codec + ": flipping bit " + b + " of byte " + at + " went unnoticed");
                assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
                assertFalse(batch.isValid());
                checked++;
            }
        }
        assertEquals((good.length - RecordBatch.CRC_OFFSET) * 8, checked);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void everyByteReplacementCoveredByTheCrcIsDetected(CompressionType codec) {
        byte[] good = sampleBatch(codec);
        for (int position = RecordBatch.ATTRIBUTES_OFFSET; position < good.length; position++) {
            for (int delta : new int[] {0xFF, 0x01, 0x80, 0x5A}) {
                byte[] bad = good.clone();
                bad[position] = (byte) (bad[position] + delta);
                int at = position;
                assertThrows(CorruptRecordException.class, TestBatches.wrap(bad)::ensureValid,
                        () -> codec + ": replacing byte " + at + " went unnoticed");
            }
        }
    }

    @Test
    void baseOffsetAndLeaderEpochAreNotCovered() {
        byte[] good = sampleBatch(CompressionType.NONE);
        for (int position = 0; position < RecordBatch.MAGIC_OFFSET; position++) {
            if (position >= RecordBatch.BATCH_LENGTH_OFFSET && position < RecordBatch.PARTITION_LEADER_EPOCH_OFFSET) {
                continue;
            }
            for (int bit = 0; bit < 8; bit++) {
                byte[] stamped = good.clone();
                stamped[position] ^= (byte) (1 << bit);
                assertDoesNotThrow(() -> TestBatches.wrap(stamped).ensureValid(), "byte " + position + " bit " + bit);
            }
        }
    }

    @Test
    void everyBatchLengthBitFlipIsDetected() {
        byte[] good = sampleBatch(CompressionType.GZIP);
        for (int position = RecordBatch.BATCH_LENGTH_OFFSET; position < 12; position++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[position] ^= (byte) (1 << bit);
                assertThrows(CorruptRecordException.class, TestBatches.wrap(bad)::ensureValid,
                        "batchLength byte " + position + " bit " + bit);
            }
        }
    }

    @Test
    void wrongMagicIsNamed() {
        byte[] good = sampleBatch(CompressionType.NONE);
        for (int magic : new int[] {0, 1, 3, -1, 0x7F}) {
            byte[] bad = good.clone();
            bad[RecordBatch.MAGIC_OFFSET] = (byte) magic;
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    TestBatches.wrap(bad)::ensureValid);
            assertTrue(e.getMessage().contains("magic " + magic), e.getMessage());
        }
    }

    @Test
    void batchLengthBelowTheMinimumIsNamed() {
        byte[] good = sampleBatch(CompressionType.NONE);
        for (int length : new int[] {48, 0, -1, Integer.MIN_VALUE}) {
            byte[] bad = good.clone();
            ByteBuffer.wrap(bad).putInt(RecordBatch.BATCH_LENGTH_OFFSET, length);
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    TestBatches.wrap(bad)::ensureValid);
            assertTrue(e.getMessage().contains("batch length " + length + " is below the minimum 49"),
                    e.getMessage());
        }
    }

    @Test
    void minimumBatchLengthIsAcceptedByTheLengthCheck() {
        // a batch with an empty records section and recordCount 0: exactly 61 bytes, batchLength 49
        byte[] empty = TestBatches.handBatch(0, 0, 0, new byte[0]);
        assertEquals(49, ByteBuffer.wrap(empty).getInt(RecordBatch.BATCH_LENGTH_OFFSET));
        RecordBatch batch = TestBatches.wrap(empty);
        batch.ensureValid();
        assertEquals(List.of(), batch.records());
    }

    @Test
    void batchLengthPastTheEndIsNamed() {
        byte[] good = sampleBatch(CompressionType.NONE);
        int realLength = good.length - RecordBatch.LOG_OVERHEAD;
        for (int length : new int[] {realLength + 1, realLength + 1_000, Integer.MAX_VALUE}) {
            byte[] bad = good.clone();
            ByteBuffer.wrap(bad).putInt(RecordBatch.BATCH_LENGTH_OFFSET, length);
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    TestBatches.wrap(bad)::ensureValid);
            assertTrue(e.getMessage().contains("batch length " + length + " runs past the end"), e.getMessage());
        }
    }

    @Test
    void batchLengthShorterThanTheDataFailsTheCrc() {
        byte[] good = sampleBatch(CompressionType.NONE);
        byte[] bad = good.clone();
        ByteBuffer.wrap(bad).putInt(RecordBatch.BATCH_LENGTH_OFFSET, good.length - RecordBatch.LOG_OVERHEAD - 1);
        CorruptRecordException e = assertThrows(CorruptRecordException.class, TestBatches.wrap(bad)::ensureValid);
        assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void truncatedBuffersAreNamed(CompressionType codec) {
        byte[] good = sampleBatch(codec);
        for (int keep = 0; keep < good.length; keep++) {
            ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(good, keep));
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    () -> new RecordBatch(truncated, 0).ensureValid(), "kept " + keep + " bytes");
            if (keep < RecordBatch.HEADER_SIZE_BYTES) {
                assertTrue(e.getMessage().contains("batch truncated: " + keep + " bytes left"), e.getMessage());
            } else {
                assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
            }
        }
        // the same through ensureValid(limit) on a buffer that holds more
        ByteBuffer whole = ByteBuffer.wrap(good);
        assertThrows(CorruptRecordException.class, () -> new RecordBatch(whole, 0).ensureValid(good.length - 1));
        assertDoesNotThrow(() -> new RecordBatch(whole, 0).ensureValid(good.length));
    }

    @Test
    void unknownCodecWithAValidCrcIsNamed() {
        byte[] good = sampleBatch(CompressionType.NONE);
        for (int id = 5; id <= 7; id++) {
            byte[] bad = good.clone();
            ByteBuffer.wrap(bad).putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) id);
            TestBatches.withFreshCrc(bad);
            RecordBatch batch = TestBatches.wrap(bad);
            CorruptRecordException e = assertThrows(CorruptRecordException.class, batch::ensureValid);
            assertTrue(e.getMessage().contains("unknown compression codec id " + id), e.getMessage());
            assertThrows(CorruptRecordException.class, batch::records);
        }
    }

    @Test
    void inconsistentCountsWithAValidCrcAreNamed() {
        byte[] good = sampleBatch(CompressionType.NONE);
        int[][] cases = {
            {-1, 11},  // negative recordCount
            {12, -1},  // negative lastOffsetDelta
            {12, 10},  // lastOffsetDelta < recordCount - 1
        };
        for (int[] c : cases) {
            byte[] bad = good.clone();
            ByteBuffer.wrap(bad).putInt(RecordBatch.RECORD_COUNT_OFFSET, c[0])
                    .putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, c[1]);
            TestBatches.withFreshCrc(bad);
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    TestBatches.wrap(bad)::ensureValid, Arrays.toString(c));
            assertTrue(e.getMessage().contains("inconsistent batch counts"), e.getMessage());
        }
    }
}
