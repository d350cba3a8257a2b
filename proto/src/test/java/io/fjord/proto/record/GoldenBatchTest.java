package io.fjord.proto.record;

import static io.fjord.proto.record.TestBatches.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The codec against bytes worked out from the specification, not produced by the codec:
 * {@code src/test/resources/golden/uncompressed-batch.hex}, annotated field by field (derived by
 * {@code src/test/scripts/golden_uncompressed_batch.py} and reviewed by hand). It is also the worked example in
 * {@code RECORD_FORMAT.md}. Never regenerate it from the builder's output: a difference is a codec bug or a spec
 * change, and either needs a reviewed edit of the fixture.
 */
class GoldenBatchTest {
    private static final byte[] GOLDEN = TestBatches.readHexResource("/golden/uncompressed-batch.hex");

    private static ByteBuffer buildGoldenInput() {
        return new RecordBatchBuilder(CompressionType.NONE)
                .append(T0, utf8("k1"), utf8("hello"))
                .append(T0 + 5, null, utf8("world"), Header.of("h1", "v1"))
                .build();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void builderWritesExactlyTheGoldenBytes() {
        byte[] built = TestBatches.toArray(buildGoldenInput());
        assertEquals(HexFormat.of().formatHex(GOLDEN), HexFormat.of().formatHex(built));
    }

    @Test
    void goldenBytesDecode() {
        RecordBatch batch = TestBatches.wrap(GOLDEN.clone());
        batch.ensureValid();
        assertEquals(93, batch.sizeInBytes());
        assertEquals(81, batch.batchLength());
        assertEquals(0L, batch.baseOffset());
        assertEquals(-1, batch.partitionLeaderEpoch());
        assertEquals(2, batch.magic());
        assertEquals(0xe39225f9L, batch.crc());
        assertEquals(0, batch.attributes());
        assertEquals(CompressionType.NONE, batch.compressionType());
        assertEquals(TimestampType.CREATE_TIME, batch.timestampType());
        assertEquals(1, batch.lastOffsetDelta());
        assertEquals(1_700_000_000_000L, batch.baseTimestamp());
        assertEquals(1_700_000_000_005L, batch.maxTimestamp());
        assertEquals(-1L, batch.producerId());
        assertEquals(-1, batch.producerEpoch());
        assertEquals(-1, batch.baseSequence());
        assertEquals(2, batch.recordCount());
        assertEquals(List.of(
                new Record(0, 1_700_000_000_000L, utf8("k1"), utf8("hello"), List.of()),
                new Record(1, 1_700_000_000_005L, null, utf8("world"), List.of(Header.of("h1", "v1")))),
                batch.records());
    }

    @Test
    void goldenCrcIsCrc32cOfAttributesToTheEnd() {
        CRC32C crc = new CRC32C();
        crc.update(GOLDEN, 21, GOLDEN.length - 21);
        assertEquals(crc.getValue(), Integer.toUnsignedLong(ByteBuffer.wrap(GOLDEN).getInt(17)));
    }

    @Test
    void stampedGoldenBatchStaysValid() {
        byte[] stamped = GOLDEN.clone();
        RecordBatch batch = TestBatches.wrap(stamped);
        batch.setBaseOffset(42);
        batch.setPartitionLeaderEpoch(3);
        batch.ensureValid();
        byte[] expected = GOLDEN.clone();
        ByteBuffer.wrap(expected).putLong(0, 42).putInt(12, 3);
        assertArrayEquals(expected, stamped, "only bytes 0-7 and 12-15 change");
        assertEquals(List.of(42L, 43L), batch.records().stream().map(Record::offset).toList());
    }

    @Test
    void fixtureParserIgnoresCommentsAndWhitespaceAndRejectsOddDigits() {
        assertArrayEquals(new byte[] {0x0a, (byte) 0xff, 0x10},
                TestBatches.parseHex("# comment 00\n0a ff # trailing 11\n\n  10\n"));
        assertThrows(IllegalArgumentException.class, () -> TestBatches.parseHex("0a f"));
    }
}
