package io.fjord.proto.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Codec ids, names and the framing each codec writes (what a Kafka reader expects). */
class CompressionTypeTest {

    @Test
    void idsAndNamesAreKafkas() {
        String[] names = {"none", "gzip", "snappy", "lz4", "zstd"};
        for (int id = 0; id < names.length; id++) {
            CompressionType type = CompressionType.forId(id);
            assertEquals(id, type.id());
            assertEquals(names[id], type.displayName());
            assertEquals(type, CompressionType.forName(names[id]));
            assertEquals(type, CompressionType.forName(names[id].toUpperCase()));
        }
        for (int id : new int[] {5, 6, 7, -1}) {
            CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> CompressionType.forId(id));
            assertTrue(e.getMessage().contains("unknown compression codec id " + id), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompressionType.forName("brotli"));
        assertTrue(e.getMessage().contains("brotli"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void roundTripsASliceOfALargerArray(CompressionType codec) {
        byte[] data = new byte[300_000];
        Random rnd = new Random(17);
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (rnd.nextInt(8) == 0 ? rnd.nextInt(256) : 'a' + (i % 13)); // compressible
        }
        byte[] compressed = codec.compress(data, 1_000, 200_000);
        if (codec != CompressionType.NONE) {
            assertTrue(compressed.length < 150_000, codec + " compressed to " + compressed.length);
        }
        byte[] padded = new byte[compressed.length + 10];
        System.arraycopy(compressed, 0, padded, 5, compressed.length);
        assertArrayEquals(Arrays.copyOfRange(data, 1_000, 201_000), codec.decompress(padded, 5, compressed.length));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void emptyInputRoundTrips(CompressionType codec) {
        byte[] compressed = codec.compress(new byte[0], 0, 0);
        assertArrayEquals(new byte[0], codec.decompress(compressed, 0, compressed.length));
    }

    private static String prefix(CompressionType codec, int bytes) {
        byte[] compressed = codec.compress(new byte[100], 0, 100);
        return HexFormat.of().formatHex(compressed, 0, bytes);
    }

    @Test
    void gzipWritesAnRfc1952Member() {
        // ID1 ID2, CM = 8 (deflate)
        assertEquals("1f8b08", prefix(CompressionType.GZIP, 3));
    }

    @Test
    void snappyWritesXerialStreamFraming() {
        // magic \x82SNAPPY\0, version 1, minimum compatible version 1, then big-endian chunk lengths
        assertEquals("82534e41505059000000000100000001", prefix(CompressionType.SNAPPY, 16));
    }

    @Test
    void lz4WritesAnLz4FrameLikeKafka() {
        // magic 0x184D2204 (little-endian), FLG 0x60 = version 01 + block independence, no checksums, no content
        // size; BD 0x40 = 64 KiB maximum block size, the block size Kafka's producer uses
        assertEquals("04224d186040", prefix(CompressionType.LZ4, 6));
    }

    @Test
    void zstdWritesAZstdFrame() {
        // magic 0xFD2FB528 (little-endian)
        assertEquals("28b52ffd", prefix(CompressionType.ZSTD, 4));
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void garbageIsCorruptAndTheMessageNamesTheCodec(CompressionType codec) {
        Random rnd = new Random(23);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = TestBatches.randomBytes(rnd, 1 + rnd.nextInt(100));
            if (i % 2 == 0 && garbage.length > 16) {
                // keep the codec's own header so the damage is found deeper in the stream
                byte[] header = codec.compress(new byte[10], 0, 10);
                System.arraycopy(header, 0, garbage, 0, Math.min(header.length, 16));
            }
            try {
                codec.decompress(garbage, 0, garbage.length);
            } catch (CorruptRecordException e) {
                assertTrue(e.getMessage().startsWith("cannot decompress " + codec.displayName()), e.getMessage());
            }
        }
        byte[] truncated = Arrays.copyOf(codec.compress(new byte[1000], 0, 1000), 3);
        assertThrows(CorruptRecordException.class, () -> codec.decompress(truncated, 0, truncated.length));
    }
}
