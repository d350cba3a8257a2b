package io.fjord.proto.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Zig-zag varints: exact encodings worked out by hand, sizes, round trips, and malformed input. */
class VarintsTest {

    /** value, zig-zag encoding in hex (worked out by hand: zig-zag, then 7-bit groups, least significant first). */
    static Stream<Arguments> intEncodings() {
        return Stream.of(
                Arguments.of(0, "00"),
                Arguments.of(1, "02"),
                Arguments.of(-1, "01"),
                Arguments.of(2, "04"),
                Arguments.of(-2, "03"),
                Arguments.of(63, "7e"),            // zig-zag 126: the largest one-byte positive
                Arguments.of(-64, "7f"),           // zig-zag 127: the smallest one-byte negative
                Arguments.of(64, "8001"),          // zig-zag 128
                Arguments.of(-65, "8101"),         // zig-zag 129
                Arguments.of(300, "d804"),         // zig-zag 600 = 0b100_1011000
                Arguments.of(8191, "fe7f"),        // zig-zag 16382: the largest two-byte positive
                Arguments.of(-8192, "ff7f"),       // zig-zag 16383
                Arguments.of(8192, "808001"),      // zig-zag 16384
                Arguments.of(-8193, "818001"),
                Arguments.of(Integer.MAX_VALUE, "feffffff0f"),  // zig-zag 0xFFFFFFFE
                Arguments.of(Integer.MIN_VALUE, "ffffffff0f")); // zig-zag 0xFFFFFFFF
    }

    static Stream<Arguments> longEncodings() {
        return Stream.of(
                Arguments.of(0L, "00"),
                Arguments.of(1L, "02"),
                Arguments.of(-1L, "01"),
                Arguments.of(63L, "7e"),
                Arguments.of(64L, "8001"),
                Arguments.of(-64L, "7f"),
                Arguments.of(-65L, "8101"),
                Arguments.of(8191L, "fe7f"),
                Arguments.of(8192L, "808001"),
                Arguments.of((long) Integer.MAX_VALUE, "feffffff0f"),
                Arguments.of((long) Integer.MIN_VALUE, "ffffffff0f"),
                Arguments.of(1L << 31, "8080808010"),              // zig-zag 2^32
                Arguments.of(5L, "0a"),                            // the golden fixture's timestampDelta
                Arguments.of(Long.MAX_VALUE, "feffffffffffffffff01"), // zig-zag 2^64 - 2: ten bytes
                Arguments.of(Long.MIN_VALUE, "ffffffffffffffffff01")); // zig-zag 2^64 - 1
    }

    @ParameterizedTest
    @MethodSource("intEncodings")
    void varintEncodesExactly(int value, String hex) {
        byte[] expected = HexFormat.of().parseHex(hex);
        ByteBuffer out = ByteBuffer.allocate(16);
        Varints.writeVarint(out, value);
        assertEquals(hex, HexFormat.of().formatHex(out.array(), 0, out.position()));
        assertEquals(expected.length, Varints.sizeOfVarint(value));
        ByteBuffer in = ByteBuffer.wrap(expected);
        assertEquals(value, Varints.readVarint(in));
        assertEquals(expected.length, in.position(), "reads exactly the encoded bytes");
    }

    @ParameterizedTest
    @MethodSource("longEncodings")
    void varlongEncodesExactly(long value, String hex) {
        byte[] expected = HexFormat.of().parseHex(hex);
        ByteBuffer out = ByteBuffer.allocate(16);
        Varints.writeVarlong(out, value);
        assertEquals(hex, HexFormat.of().formatHex(out.array(), 0, out.position()));
        assertEquals(expected.length, Varints.sizeOfVarlong(value));
        ByteBuffer in = ByteBuffer.wrap(expected);
        assertEquals(value, Varints.readVarlong(in));
        assertEquals(expected.length, in.position());
    }

    @Test
    void sizeBoundaries() {
        assertEquals(1, Varints.sizeOfVarint(63));
        assertEquals(2, Varints.sizeOfVarint(64));
        assertEquals(1, Varints.sizeOfVarint(-64));
        assertEquals(2, Varints.sizeOfVarint(-65));
        assertEquals(2, Varints.sizeOfVarint(8191));
        assertEquals(3, Varints.sizeOfVarint(8192));
        assertEquals(3, Varints.sizeOfVarint((1 << 20) - 1));
        assertEquals(4, Varints.sizeOfVarint(1 << 20));
        assertEquals(4, Varints.sizeOfVarint((1 << 27) - 1));
        assertEquals(5, Varints.sizeOfVarint(1 << 27));
        assertEquals(5, Varints.sizeOfVarint(Integer.MAX_VALUE));
        assertEquals(5, Varints.sizeOfVarint(Integer.MIN_VALUE));
        assertEquals(9, Varints.sizeOfVarlong((1L << 62) - 1));
        assertEquals(10, Varints.sizeOfVarlong(1L << 62));
        assertEquals(10, Varints.sizeOfVarlong(Long.MAX_VALUE));
        assertEquals(10, Varints.sizeOfVarlong(Long.MIN_VALUE));
    }

    @Test
    void sizeMatchesBytesWrittenAndRoundTrips() {
        Random rnd = new Random(0x5EED);
        ByteBuffer buffer = ByteBuffer.allocate(16);
        LongStream edges = LongStream.of(0, 1, -1, 63, 64, -64, -65, 8191, 8192, -8192, -8193,
                Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE);
        LongStream randomLongs = LongStream.generate(() -> rnd.nextLong() >> rnd.nextInt(64)).limit(20_000);
        LongStream.concat(edges, randomLongs).forEach(value -> {
            buffer.clear();
            Varints.writeVarlong(buffer, value);
            assertEquals(buffer.position(), Varints.sizeOfVarlong(value), "varlong " + value);
            buffer.flip();
            assertEquals(value, Varints.readVarlong(buffer));
            assertEquals(0, buffer.remaining());

            int intValue = (int) value;
            buffer.clear();
            Varints.writeVarint(buffer, intValue);
            int written = buffer.position();
            assertEquals(written, Varints.sizeOfVarint(intValue), "varint " + intValue);
            buffer.flip();
            assertEquals(intValue, Varints.readVarint(buffer));
            assertEquals(0, buffer.remaining());

            // an int written as a varlong has the same bytes as the varint
            ByteBuffer asLong = ByteBuffer.allocate(16);
            Varints.writeVarlong(asLong, intValue);
            assertEquals(HexFormat.of().formatHex(buffer.array(), 0, written),
                    HexFormat.of().formatHex(asLong.array(), 0, asLong.position()));
        });
    }

    @Test
    void overLongVarintIsCorrupt() {
        ByteBuffer sixBytes = ByteBuffer.wrap(HexFormat.of().parseHex("808080808000"));
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> Varints.readVarint(sixBytes));
        assertEquals("varint longer than 5 bytes", e.getMessage());
        ByteBuffer allOnes = ByteBuffer.wrap(HexFormat.of().parseHex("ffffffffffff01"));
        assertThrows(CorruptRecordException.class, () -> Varints.readVarint(allOnes));
    }

    @Test
    void overLongVarlongIsCorrupt() {
        ByteBuffer elevenBytes = ByteBuffer.wrap(HexFormat.of().parseHex("8080808080808080808000"));
        CorruptRecordException e = assertThrows(CorruptRecordException.class,
                () -> Varints.readVarlong(elevenBytes));
        assertEquals("varlong longer than 10 bytes", e.getMessage());
    }

    @Test
    void paddedButTerminatedEncodingsWithinTheLimitDecode() {
        // non-minimal encodings of 0 are accepted as long as they end within the limit (as Kafka does)
        assertEquals(0, Varints.readVarint(ByteBuffer.wrap(HexFormat.of().parseHex("8080808000"))));
        assertEquals(0L, Varints.readVarlong(ByteBuffer.wrap(HexFormat.of().parseHex("80808080808080808000"))));
    }
}
