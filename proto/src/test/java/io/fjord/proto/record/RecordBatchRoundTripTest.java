package io.fjord.proto.record;

import static io.fjord.proto.record.TestBatches.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.proto.record.TestBatches.Input;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** build → ensureValid → stamp → iterate, for every codec. */
class RecordBatchRoundTripTest {
    private static final int MANY = 1_000;

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void manyRecordsRoundTripWithStampedOffsets(CompressionType codec) {
        List<Input> inputs = TestBatches.randomInputs(new Random(0xF10D_0000L + codec.ordinal()), MANY);
        ByteBuffer buffer = TestBatches.build(codec, inputs);
        assertEquals(0, buffer.position());
        RecordBatch batch = new RecordBatch(buffer, 0);
        batch.ensureValid();

        long minTimestamp = inputs.stream().mapToLong(Input::timestamp).min().orElseThrow();
        long maxTimestamp = inputs.stream().mapToLong(Input::timestamp).max().orElseThrow();
        assertTrue(minTimestamp < T0 && maxTimestamp > T0, "the inputs must have out-of-order timestamps");

        assertEquals(buffer.limit(), batch.sizeInBytes());
        assertEquals(buffer.limit() - RecordBatch.LOG_OVERHEAD, batch.batchLength());
        assertEquals(RecordBatch.MAGIC, batch.magic());
        assertEquals(codec, batch.compressionType());
        assertEquals(codec.id(), batch.attributes());
        assertEquals(TimestampType.CREATE_TIME, batch.timestampType());
        assertFalse(batch.isTransactional());
        assertFalse(batch.isControl());
        assertEquals(0L, batch.baseOffset());
        assertEquals(RecordBatch.NO_PARTITION_LEADER_EPOCH, batch.partitionLeaderEpoch());
        assertEquals(MANY, batch.recordCount());
        assertEquals(MANY - 1, batch.lastOffsetDelta());
        assertEquals(T0, batch.baseTimestamp(), "baseTimestamp is the first record's, not the minimum");
        assertEquals(maxTimestamp, batch.maxTimestamp());
        assertEquals(RecordBatch.NO_PRODUCER_ID, batch.producerId());
        assertEquals(RecordBatch.NO_PRODUCER_EPOCH, batch.producerEpoch());
        assertEquals(RecordBatch.NO_SEQUENCE, batch.baseSequence());
        if (codec != CompressionType.NONE) {
            assertTrue(batch.sizeInBytes() < uncompressedSize(inputs),
                    codec + " must actually compress: " + batch.sizeInBytes() + " vs " + uncompressedSize(inputs));
        }

        long baseOffset = 1_234_567L;
        batch.setBaseOffset(baseOffset);
        batch.setPartitionLeaderEpoch(7);
        batch.ensureValid();
        assertEquals(baseOffset, batch.baseOffset());
        assertEquals(baseOffset + MANY - 1, batch.lastOffset());
        assertEquals(baseOffset + MANY, batch.nextOffset());
        assertEquals(7, batch.partitionLeaderEpoch());

        List<Record> expected = TestBatches.expected(inputs, baseOffset);
        List<Record> records = batch.records();
        assertEquals(MANY, records.size());
        for (int i = 0; i < MANY; i++) {
            assertEquals(expected.get(i), records.get(i), "record " + i);
        }
        List<Record> iterated = new ArrayList<>();
        batch.iterator().forEachRemaining(iterated::add);
        assertEquals(expected, iterated);
    }

    private static int uncompressedSize(List<Input> inputs) {
        return TestBatches.build(CompressionType.NONE, inputs).limit();
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void edgeValuesSurviveEveryCodec(CompressionType codec) {
        byte[] large = TestBatches.randomBytes(new Random(7), 1 << 20);
        List<Input> inputs = List.of(
                new Input(T0, null, null),
                new Input(T0 + 1, new byte[0], new byte[0]),
                new Input(T0 + 2, "k".getBytes(StandardCharsets.UTF_8), large,
                        new Header("null-value", null),
                        Header.of("ключ", "значение"),
                        Header.of("日本語", "値"),
                        Header.of("🔑 emoji", "🎉"),
                        new Header("", new byte[0])),
                new Input(T0 + 3, null, new byte[0], new Header("empty", new byte[0])),
                new Input(T0 + 4, new byte[0], null));

        RecordBatch batch = TestBatches.wrap(TestBatches.toArray(TestBatches.build(codec, inputs)));
        batch.ensureValid();
        List<Record> records = batch.records();
        assertEquals(TestBatches.expected(inputs, 0), records);

        assertNull(records.get(0).key());
        assertNull(records.get(0).value());
        assertNotNull(records.get(1).key(), "an empty key is not a null key");
        assertEquals(0, records.get(1).key().length);
        assertNotNull(records.get(1).value(), "an empty value is not a null value");
        assertEquals(0, records.get(1).value().length);
        assertArrayEquals(large, records.get(2).value());
        List<Header> headers = records.get(2).headers();
        assertEquals(5, headers.size());
        assertEquals("null-value", headers.get(0).key());
        assertNull(headers.get(0).value());
        assertEquals("ключ", headers.get(1).key());
        assertEquals("значение", new String(headers.get(1).value(), StandardCharsets.UTF_8));
        assertEquals("日本語", headers.get(2).key());
        assertEquals("🔑 emoji", headers.get(3).key());
        assertEquals("", headers.get(4).key());
        assertNotNull(headers.get(4).value());
        assertEquals(0, headers.get(4).value().length);
        assertNull(records.get(3).key());
        assertNotNull(records.get(3).value());
        assertNotNull(records.get(3).headers().get(0).value());
        assertNotNull(records.get(4).key());
        assertNull(records.get(4).value());
    }

    @Test
    void nullAndEmptyAreEncodedDifferently() {
        byte[] nulls = TestBatches.toArray(TestBatches.build(CompressionType.NONE, List.of(new Input(T0, null, null))));
        byte[] empties = TestBatches.toArray(
                TestBatches.build(CompressionType.NONE, List.of(new Input(T0, new byte[0], new byte[0]))));
        // length 6 (zig-zag 12), attributes 0, timestampDelta 0, offsetDelta 0, key -1 (zig-zag 1), value -1, headers 0
        assertArrayEquals(new byte[] {0x0c, 0, 0, 0, 0x01, 0x01, 0}, TestBatches.section(nulls));
        // the same with key length 0 and value length 0 (zig-zag 0)
        assertArrayEquals(new byte[] {0x0c, 0, 0, 0, 0x00, 0x00, 0}, TestBatches.section(empties));
    }

    @Test
    void stampingBaseOffsetAndLeaderEpochLeavesTheCrcAndEverythingAfterItUntouched() {
        List<Input> inputs = TestBatches.randomInputs(new Random(11), 20);
        for (CompressionType codec : CompressionType.values()) {
            byte[] bytes = TestBatches.toArray(TestBatches.build(codec, inputs));
            byte[] before = bytes.clone();
            RecordBatch batch = TestBatches.wrap(bytes);
            long crc = batch.crc();

            batch.setBaseOffset(Long.MAX_VALUE - 1_000);
            batch.setPartitionLeaderEpoch(Integer.MAX_VALUE);
            batch.ensureValid();
            assertEquals(crc, batch.crc(), codec + ": the stored CRC does not change");
            assertEquals(crc, batch.computeCrc(), codec.toString());
            assertArrayEquals(Arrays.copyOfRange(before, RecordBatch.BATCH_LENGTH_OFFSET, 12),
                    Arrays.copyOfRange(bytes, RecordBatch.BATCH_LENGTH_OFFSET, 12), codec + ": batchLength");
            assertArrayEquals(Arrays.copyOfRange(before, RecordBatch.MAGIC_OFFSET, before.length),
                    Arrays.copyOfRange(bytes, RecordBatch.MAGIC_OFFSET, bytes.length), codec + ": magic onwards");
            assertEquals(Long.MAX_VALUE - 1_000, ByteBuffer.wrap(bytes).getLong(0), codec.toString());
            assertEquals(Integer.MAX_VALUE, ByteBuffer.wrap(bytes).getInt(12), codec.toString());
            assertEquals(TestBatches.expected(inputs, Long.MAX_VALUE - 1_000), batch.records(), codec.toString());

            batch.setBaseOffset(-1L);
            batch.setPartitionLeaderEpoch(0);
            batch.ensureValid();
            assertEquals(crc, batch.crc(), codec.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void producerIdentityTransactionalFlagAndLogAppendTime(CompressionType codec) {
        RecordBatchBuilder builder = new RecordBatchBuilder(codec)
                .baseOffset(500)
                .partitionLeaderEpoch(3)
                .producer(987_654_321L, (short) 12, 40)
                .transactional(true)
                .timestampType(TimestampType.LOG_APPEND_TIME);
        builder.append(T0 + 30, null, "a".getBytes(StandardCharsets.UTF_8));
        builder.append(T0 - 10, null, "b".getBytes(StandardCharsets.UTF_8));
        builder.append(T0 + 90, null, "c".getBytes(StandardCharsets.UTF_8));
        RecordBatch batch = new RecordBatch(builder.build(), 0);
        batch.ensureValid();

        assertEquals(codec.id() | 0x08 | 0x10, batch.attributes());
        assertEquals(codec, batch.compressionType());
        assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
        assertTrue(batch.isTransactional());
        assertFalse(batch.isControl());
        assertEquals(500L, batch.baseOffset());
        assertEquals(3, batch.partitionLeaderEpoch());
        assertEquals(987_654_321L, batch.producerId());
        assertEquals(12, batch.producerEpoch());
        assertEquals(40, batch.baseSequence());
        assertEquals(T0 + 30, batch.baseTimestamp());
        assertEquals(T0 + 90, batch.maxTimestamp());
        List<Record> records = batch.records();
        assertEquals(List.of(500L, 501L, 502L), records.stream().map(Record::offset).toList());
        // with LogAppendTime every record reports the batch's maxTimestamp
        assertEquals(List.of(T0 + 90, T0 + 90, T0 + 90), records.stream().map(Record::timestamp).toList());
    }

    @Test
    void maxTimestampIsTheMaximumEvenWhenAllTimestampsAreNegative() {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        builder.append(-50, null, null).append(-20, null, null).append(-90, null, null);
        RecordBatch batch = new RecordBatch(builder.build(), 0);
        batch.ensureValid();
        assertEquals(-50, batch.baseTimestamp());
        assertEquals(-20, batch.maxTimestamp());
        assertEquals(List.of(-50L, -20L, -90L), batch.records().stream().map(Record::timestamp).toList());
    }

    @Test
    void largeTimestampDeltasUseMultiByteVarlongs() {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        long[] timestamps = {T0, T0 + (1L << 40), T0 - (1L << 35), 0L, Long.MAX_VALUE / 2};
        for (long ts : timestamps) {
            builder.append(ts, null, null);
        }
        RecordBatch batch = new RecordBatch(builder.build(), 0);
        batch.ensureValid();
        assertEquals(Long.MAX_VALUE / 2, batch.maxTimestamp());
        assertArrayEquals(timestamps, batch.records().stream().mapToLong(Record::timestamp).toArray());
    }

    @Test
    void batchesConcatenateAndAreWalkedWithSizeAt() {
        Random rnd = new Random(99);
        ByteBuffer log = ByteBuffer.allocate(1 << 20);
        log.put(new byte[] {9, 9, 9}); // unrelated bytes before the first batch
        List<List<Input>> written = new ArrayList<>();
        List<Long> baseOffsets = new ArrayList<>();
        long nextOffset = 100;
        for (CompressionType codec : CompressionType.values()) {
            List<Input> inputs = TestBatches.randomInputs(rnd, 1 + rnd.nextInt(30));
            ByteBuffer batchBytes = TestBatches.build(codec, inputs);
            int at = log.position();
            log.put(batchBytes);
            new RecordBatch(log, at).setBaseOffset(nextOffset);
            written.add(inputs);
            baseOffsets.add(nextOffset);
            nextOffset += inputs.size();
        }
        int end = log.position();
        log.put(new byte[] {1, 2, 3, 4, 5}); // a torn tail shorter than LOG_OVERHEAD
        int limit = log.position();
        log.flip();

        RecordBatch batch = new RecordBatch();
        int position = 3;
        int index = 0;
        int size;
        while ((size = RecordBatch.sizeAt(log, position, limit)) >= 0) {
            batch.wrap(log, position).ensureValid(limit);
            assertEquals(size, batch.sizeInBytes());
            assertEquals(CompressionType.values()[index], batch.compressionType());
            assertEquals(TestBatches.expected(written.get(index), baseOffsets.get(index)), batch.records());
            position += size;
            index++;
        }
        assertEquals(CompressionType.values().length, index);
        assertEquals(end, position);
        assertEquals(-1, RecordBatch.sizeAt(log, end, limit));
        assertEquals(0, log.position(), "the flyweight never moves the buffer's position");
        assertEquals(limit, log.limit(), "the flyweight never moves the buffer's limit");
    }

    @Test
    void builderBookkeeping() {
        RecordBatchBuilder empty = new RecordBatchBuilder(CompressionType.NONE);
        assertThrows(IllegalStateException.class, empty::build);

        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE, 16);
        int expectedSize = RecordBatch.HEADER_SIZE_BYTES;
        assertEquals(expectedSize, builder.estimatedSizeInBytes());
        for (Input in : TestBatches.randomInputs(new Random(5), 200)) {
            int before = builder.estimatedSizeInBytes();
            builder.append(in.timestamp(), in.key(), in.value(), in.headers());
            int added = builder.estimatedSizeInBytes() - before;
            int bound = RecordBatchBuilder.recordSizeUpperBound(in.key(), in.value(), in.headers());
            assertTrue(added <= bound, "record grew the batch by " + added + " > upper bound " + bound);
            assertTrue(bound - added <= 14, "the bound allows only for worst-case varints: " + (bound - added));
        }
        assertEquals(200, builder.recordCount());
        int estimate = builder.estimatedSizeInBytes();
        ByteBuffer built = builder.build();
        assertEquals(estimate, built.limit(), "uncompressed: the estimate is exact");
        assertThrows(IllegalStateException.class, () -> builder.append(T0, null, null));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aSuppliedBufferIsBuiltInPlaceWhateverItHeldAndGrownWhenOutgrown(CompressionType codec) {
        byte[] backing = new byte[300];
        Arrays.fill(backing, (byte) 0x5A); // a reused buffer holds an old batch's bytes
        ByteBuffer supplied = ByteBuffer.wrap(backing, 40, 200).slice(); // non-zero array offset
        List<Input> inputs = TestBatches.randomInputs(new Random(11), 50); // far more than 200 bytes
        RecordBatchBuilder builder = new RecordBatchBuilder(codec, supplied);
        for (Input in : inputs) {
            builder.append(in.timestamp(), in.key(), in.value(), in.headers());
        }
        ByteBuffer built = builder.build();
        assertEquals(0, built.position());
        assertEquals(built.limit(), built.capacity(), "the batch is exactly the returned buffer");
        RecordBatch batch = new RecordBatch(built, 0);
        batch.ensureValid();
        batch.validateRecords();
        assertEquals(inputs.size(), batch.records().size());

        RecordBatchBuilder small = new RecordBatchBuilder(codec, supplied);
        small.append(T0, null, "in place".getBytes(StandardCharsets.UTF_8));
        ByteBuffer inPlace = small.build();
        if (codec == CompressionType.NONE) {
            assertTrue(inPlace.array() == backing && inPlace.arrayOffset() == 40, "built in the supplied buffer");
        }
        RecordBatch one = new RecordBatch(inPlace, 0);
        one.ensureValid();
        assertArrayEquals("in place".getBytes(StandardCharsets.UTF_8), one.records().get(0).value());
        assertThrows(IllegalArgumentException.class,
                () -> new RecordBatchBuilder(codec, ByteBuffer.allocate(RecordBatch.HEADER_SIZE_BYTES - 1)));
    }

    @Test
    void iteratorIsLazyAndEndsWithNoSuchElement() {
        ByteBuffer buffer = TestBatches.build(CompressionType.NONE,
                List.of(new Input(T0, null, "x".getBytes(StandardCharsets.UTF_8))));
        Iterator<Record> it = new RecordBatch(buffer, 0).iterator();
        assertTrue(it.hasNext());
        assertEquals(0L, it.next().offset());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void wrapRejectsLittleEndianBuffers() {
        ByteBuffer little = ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN);
        assertThrows(IllegalArgumentException.class, () -> new RecordBatch(little, 0));
    }

    @Test
    void recordsSectionIsTheStoredBytesAfterTheHeader() {
        for (CompressionType codec : CompressionType.values()) {
            List<Input> inputs = TestBatches.randomInputs(new Random(3), 50);
            byte[] bytes = TestBatches.toArray(TestBatches.build(codec, inputs));
            ByteBuffer section = TestBatches.wrap(bytes).recordsSection();
            assertArrayEquals(TestBatches.section(bytes), TestBatches.toArray(section), codec.toString());
            byte[] plain = TestBatches.section(TestBatches.toArray(TestBatches.build(CompressionType.NONE, inputs)));
            byte[] stored = TestBatches.section(bytes);
            assertArrayEquals(plain, codec.decompress(stored, 0, stored.length),
                    codec + ": the codec applies to the records section as a whole");
        }
    }
}
