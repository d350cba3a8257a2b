package io.fjord.proto.record;

import static io.fjord.proto.record.TestBatches.record;
import static io.fjord.proto.record.TestBatches.withLengthPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fjord.proto.record.TestBatches.Bytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records that are malformed inside a batch whose CRC is valid (the bytes are built by hand, then the CRC is
 * computed over them): decoding must fail with {@link CorruptRecordException}, never with an
 * ArrayIndexOutOfBounds, BufferUnderflow, NegativeArraySize or similar exception.
 */
class MalformedRecordsTest {

    /** ensureValid passes (the header is fine), but decoding the records fails with a message naming the problem. */
    private static void assertRecordsCorrupt(byte[] batchBytes, String messagePart) {
        RecordBatch batch = TestBatches.wrap(batchBytes);
        batch.ensureValid();
        assertDecodingFails(batch, messagePart);
    }

    private static void assertDecodingFails(RecordBatch batch, String messagePart) {
        CorruptRecordException e = assertThrows(CorruptRecordException.class, batch::records);
        assertTrue(e.getMessage().contains(messagePart),
                "expected a message containing '" + messagePart + "' but got: " + e.getMessage());
        CorruptRecordException viaIterator = assertThrows(CorruptRecordException.class, () -> {
            Iterator<Record> it = batch.iterator();
            while (it.hasNext()) {
                it.next();
            }
        });
        assertTrue(viaIterator.getMessage().contains(messagePart), viaIterator.getMessage());
        assertThrows(CorruptRecordException.class, batch::validateRecords,
                "the leader's validator must reject what the decoder rejects");
    }

    private static byte[] oneRecordBatch(Bytes section) {
        return TestBatches.handBatch(0, 0, 1, section.toByteArray());
    }

    @Test
    void wellFormedHandBuiltRecordsDecode() {
        // guards the helpers: the same construction without a defect decodes
        Bytes section = record(0, 0, "k", "v").append(record(1, 7, null, "w"));
        RecordBatch batch = TestBatches.wrap(TestBatches.handBatch(0, 1, 2, section.toByteArray()));
        batch.ensureValid();
        List<Record> records = batch.records();
        assertEquals(2, records.size());
        assertEquals(1L, records.get(1).offset());
        assertEquals(TestBatches.T0 + 7, records.get(1).timestamp());
    }

    @Test
    void recordLengthLargerThanTheRemainingBytes() {
        Bytes section = new Bytes().varint(100).raw(0, 0, 0, 1, 1, 0);
        assertRecordsCorrupt(oneRecordBatch(section), "record length 100 but 6 bytes remain");
    }

    @Test
    void negativeRecordLength() {
        Bytes section = new Bytes().varint(-5).raw(0, 0, 0, 1, 1, 0);
        assertRecordsCorrupt(oneRecordBatch(section), "record length -5");
    }

    @Test
    void recordLengthShorterThanItsFields() {
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(2).utf8("kk").varint(-1).varint(0);
        Bytes section = new Bytes().varint(body.size() - 2).append(body);
        assertRecordsCorrupt(oneRecordBatch(section), "record fields run past the record length 6");
    }

    @Test
    void recordLengthLongerThanItsFields() {
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(-1).varint(0).raw(0, 0);
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(body)), "does not match its fields");
    }

    @Test
    void fieldsRunningIntoTheNextRecordAreCaughtAtTheRecordBoundary() {
        // the value claims 3 bytes but the record ends after 1; the next record's bytes would satisfy the read
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(3).raw('x');
        Bytes section = withLengthPrefix(body).append(record(1, 0, null, null));
        assertRecordsCorrupt(TestBatches.handBatch(0, 1, 2, section.toByteArray()), "value length 3 is invalid");
        // the header count is 0 but is read from beyond the record's end
        Bytes noHeaderCount = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(-1);
        Bytes section2 = withLengthPrefix(noHeaderCount).append(record(1, 0, null, null));
        assertRecordsCorrupt(TestBatches.handBatch(0, 1, 2, section2.toByteArray()),
                "record fields run past the record length 5");
    }

    @Test
    void zeroRecordLength() {
        Bytes section = new Bytes().varint(0).append(record(0, 0, "a", "b"));
        assertRecordsCorrupt(oneRecordBatch(section), "record fields run past the record length 0");
    }

    @Test
    void negativeKeyLengthOtherThanMinusOne() {
        for (int length : new int[] {-2, -3, -1000, Integer.MIN_VALUE}) {
            Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(length).raw(1, 2, 3).varint(-1).varint(0);
            assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(body)), "key length " + length + " is invalid");
        }
    }

    @Test
    void keyLengthPastTheEndOfTheRecord() {
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(50).raw(1, 2, 3).varint(-1).varint(0);
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(body)), "key length 50 is invalid");
    }

    @Test
    void negativeValueLengthOtherThanMinusOne() {
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(-7).raw(1, 2, 3).varint(0);
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(body)), "value length -7 is invalid");
    }

    @Test
    void valueLengthPastTheEndOfTheRecordButInsideTheNextOne() {
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(20).raw(1, 2).varint(0);
        Bytes section = withLengthPrefix(body).append(record(1, 0, "next-record-key", "next-record-value"));
        byte[] batch = TestBatches.handBatch(0, 1, 2, section.toByteArray());
        assertRecordsCorrupt(batch, "value length 20 is invalid");
    }

    @Test
    void negativeHeaderCount() {
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(-1).varint(-3);
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(body)), "invalid header count -3");
    }

    @Test
    void headerCountLargerThanTheRecordCanHold() {
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(-1)
                .varint(Integer.MAX_VALUE).varint(1).utf8("h").varint(-1);
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(body)), "invalid header count " + Integer.MAX_VALUE);
    }

    @Test
    void headerCountLargerThanTheHeadersPresent() {
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(-1)
                .varint(2).varint(1).utf8("h").varint(-1);
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(body)), "record fields run past the record length 9");
    }

    @Test
    void nullHeaderKey() {
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(-1)
                .varint(1).varint(-1).varint(-1);
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(body)), "null header key");
    }

    @Test
    void negativeHeaderKeyAndValueLengths() {
        Bytes badKey = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(-1)
                .varint(1).varint(-4).utf8("abcd").varint(-1);
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(badKey)), "header key length -4 is invalid");
        Bytes badValue = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(-1)
                .varint(1).varint(1).utf8("h").varint(-9).utf8("abcdefghi");
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(badValue)), "header value length -9 is invalid");
    }

    @Test
    void recordCountLargerThanTheRecordsPresent() {
        Bytes section = record(0, 0, "a", "1").append(record(1, 0, "b", "2"));
        assertRecordsCorrupt(TestBatches.handBatch(0, 2, 3, section.toByteArray()), "record truncated");
        assertRecordsCorrupt(TestBatches.handBatch(0, Integer.MAX_VALUE - 1, Integer.MAX_VALUE,
                section.toByteArray()), "record truncated");
    }

    @Test
    void recordCountWithAnEmptySection() {
        assertRecordsCorrupt(TestBatches.handBatch(0, 0, 1, new byte[0]), "record truncated");
    }

    @Test
    void recordCountSmallerThanTheRecordsPresent() {
        Bytes section = record(0, 0, "a", "1").append(record(1, 0, "b", "2"));
        assertRecordsCorrupt(TestBatches.handBatch(0, 0, 1, section.toByteArray()),
                "bytes left after the last record");
        assertRecordsCorrupt(TestBatches.handBatch(0, 0, 0, section.toByteArray()),
                "bytes left after the last record");
    }

    @Test
    void negativeRecordCountIsRejectedByRecordsEvenWithoutEnsureValid() {
        Bytes section = record(0, 0, "a", "1");
        RecordBatch batch = TestBatches.wrap(TestBatches.handBatch(0, 0, -1, section.toByteArray()));
        assertThrows(CorruptRecordException.class, batch::ensureValid);
        assertDecodingFails(batch, "record count -1");
    }

    @Test
    void overLongVarintsInsideARecord() {
        // record length: six bytes with continuation bits
        Bytes longLength = new Bytes().raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).append(record(0, 0, "a", "b"));
        assertRecordsCorrupt(oneRecordBatch(longLength), "varint longer than 5 bytes");
        // timestampDelta: eleven bytes with continuation bits
        Bytes body = new Bytes().raw(0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)
                .varint(0).varint(-1).varint(-1).varint(0);
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(body)), "varlong longer than 10 bytes");
        // key length
        Bytes keyLength = new Bytes().raw(0).varlong(0).varint(0).raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)
                .varint(-1).varint(0);
        assertRecordsCorrupt(oneRecordBatch(withLengthPrefix(keyLength)), "varint longer than 5 bytes");
    }

    @Test
    void varintCutOffAtTheEndOfTheSection() {
        assertRecordsCorrupt(oneRecordBatch(new Bytes().raw(0x80)), "record truncated");
        Bytes body = new Bytes().raw(0).varlong(0).varint(0).varint(-1).varint(-1).varint(0);
        Bytes section = new Bytes().varint(body.size()).append(body).raw(0xFF);
        assertRecordsCorrupt(TestBatches.handBatch(0, 1, 2, section.toByteArray()), "record truncated");
    }

    @Test
    void everyTruncationOfTheRecordsSectionIsCorrupt() {
        byte[] good = TestBatches.toArray(TestBatches.build(CompressionType.NONE,
                TestBatches.randomInputs(new Random(21), 8)));
        byte[] section = TestBatches.section(good);
        for (int keep = 0; keep < section.length; keep++) {
            byte[] truncated = TestBatches.withSection(good, Arrays.copyOf(section, keep));
            RecordBatch batch = TestBatches.wrap(truncated);
            batch.ensureValid();
            int k = keep;
            assertThrows(CorruptRecordException.class, batch::records, () -> "section cut to " + k + " bytes");
        }
    }

    /**
     * Seeded mutation fuzzing of the records section with the CRC recomputed: decoding either succeeds or throws
     * {@link CorruptRecordException}; any other exception fails the test.
     */
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void mutatedSectionsWithValidCrcOnlyEverThrowCorruptRecordException(CompressionType codec) {
        Random rnd = new Random(0xBADL + codec.ordinal());
        byte[] good = TestBatches.toArray(TestBatches.build(codec, TestBatches.randomInputs(new Random(4), 10)));
        byte[] section = TestBatches.section(good);
        int iterations = codec == CompressionType.NONE ? 3_000 : 600;
        List<String> kinds = new ArrayList<>();
        int corrupt = 0;
        for (int i = 0; i < iterations; i++) {
            byte[] mutated = mutate(rnd, section, kinds, i);
            RecordBatch batch = TestBatches.wrap(TestBatches.withSection(good, mutated));
            batch.ensureValid();
            boolean decoded;
            try {
                batch.records();
                decoded = true;
            } catch (CorruptRecordException expected) {
                corrupt++;
                decoded = false;
            } catch (RuntimeException | Error other) {
                fail(codec + ": mutation " + i + " (" + kinds.get(i) + ") threw " + other, other);
                return;
            }
            try {
                batch.validateRecords();
            } catch (CorruptRecordException rejected) {
                continue; // stricter than the decoder is fine (offset deltas, maxTimestamp)
            } catch (RuntimeException | Error other) {
                fail(codec + ": validating mutation " + i + " (" + kinds.get(i) + ") threw " + other, other);
            }
            assertTrue(decoded, codec + ": validator accepted mutation " + i + " (" + kinds.get(i)
                    + ") that the decoder rejects");
        }
        assertTrue(corrupt > iterations / 4, codec + ": only " + corrupt + " mutations were detected");
    }

    private static byte[] mutate(Random rnd, byte[] section, List<String> kinds, int i) {
        byte[] out = section.clone();
        switch (i % 5) {
            case 0 -> {
                int p = rnd.nextInt(out.length);
                out[p] ^= (byte) (1 + rnd.nextInt(255));
                kinds.add("byte " + p);
            }
            case 1 -> {
                int p = rnd.nextInt(out.length);
                out[p] = (byte) (rnd.nextBoolean() ? 0xFF : 0x80);
                kinds.add("byte " + p + " to a continuation byte");
            }
            case 2 -> {
                out = Arrays.copyOf(out, rnd.nextInt(out.length));
                kinds.add("truncated to " + out.length);
            }
            case 3 -> {
                int p = rnd.nextInt(out.length);
                int n = 1 + rnd.nextInt(Math.min(8, out.length - p));
                for (int j = 0; j < n; j++) {
                    out[p + j] = (byte) rnd.nextInt(256);
                }
                kinds.add(n + " random bytes at " + p);
            }
            default -> {
                out = TestBatches.randomBytes(rnd, 1 + rnd.nextInt(64));
                kinds.add("replaced by " + out.length + " random bytes");
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void truncatedCompressedSectionsAreCorrupt(CompressionType codec) {
        byte[] good = TestBatches.toArray(TestBatches.build(codec, TestBatches.randomInputs(new Random(8), 10)));
        byte[] section = TestBatches.section(good);
        for (int keep = 0; keep < section.length; keep++) {
            RecordBatch batch = TestBatches.wrap(TestBatches.withSection(good, Arrays.copyOf(section, keep)));
            batch.ensureValid();
            int k = keep;
            assertThrows(CorruptRecordException.class, batch::records, () -> codec + ": cut to " + k + " bytes");
        }
    }

    @Test
    void snappyChunkLengthsThatLieAreCorruptWithoutHugeAllocations() {
        byte[] good = TestBatches.toArray(TestBatches.build(CompressionType.SNAPPY,
                TestBatches.randomInputs(new Random(9), 3)));
        byte[] section = TestBatches.section(good);
        for (int chunkLength : new int[] {Integer.MAX_VALUE, 0x7FFF0000, 400 << 20, section.length, -2}) {
            byte[] bad = section.clone();
            ByteBuffer.wrap(bad).putInt(16, chunkLength); // the first chunk's length, after the 16-byte header
            RecordBatch batch = TestBatches.wrap(TestBatches.withSection(good, bad));
            batch.ensureValid();
            assertThrows(CorruptRecordException.class, batch::records, "chunk length " + chunkLength);
        }
        // an unframed (raw) snappy block that claims to expand to ~2 GiB
        byte[] raw = {(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x00, 0x61};
        RecordBatch batch = TestBatches.wrap(TestBatches.withSection(good, raw));
        batch.ensureValid();
        assertThrows(CorruptRecordException.class, batch::records);
    }
}
