package io.fjord.proto.record;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Test helpers that build batch bytes by hand, independently of {@link RecordBatchBuilder}, {@link Varints} and
 * {@link RecordBatch#computeCrc()}: zig-zag varints and the header layout are re-implemented here from
 * {@code RECORD_FORMAT.md}, and CRCs come from the JDK's {@link CRC32C}.
 */
final class TestBatches {
    static final long T0 = 1_700_000_000_000L;

    private TestBatches() {
    }

    /** One record to append: the producer's view. */
    record Input(long timestamp, byte[] key, byte[] value, Header... headers) {
        Record expected(long baseOffset, int index) {
            return new Record(baseOffset + index, timestamp, key, value, Arrays.asList(headers));
        }
    }

    static ByteBuffer build(CompressionType codec, List<Input> inputs) {
        RecordBatchBuilder builder = new RecordBatchBuilder(codec);
        inputs.forEach(in -> builder.append(in.timestamp(), in.key(), in.value(), in.headers()));
        return builder.build();
    }

    static List<Record> expected(List<Input> inputs, long baseOffset) {
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            out.add(inputs.get(i).expected(baseOffset, i));
        }
        return out;
    }

    private static final String[] WORDS = {"fjord", "kafka", "batch", "offset", "leader", "epoch", "segment", "log"};
    private static final String[] HEADER_KEYS = {"trace-id", "content-type", "ключ", "日本語", "🔑", "", "k"};

    /**
     * Records with varied shapes: null, empty and non-empty keys and values, compressible text values, 0-3 headers
     * with null and unicode parts, and timestamps that go backwards as well as forwards from the first record's.
     */
    static List<Input> randomInputs(Random rnd, int count) {
        List<Input> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long timestamp = i == 0 ? T0 : T0 + rnd.nextInt(200_000) - 100_000;
            byte[] key = switch (rnd.nextInt(10)) {
                case 0 -> null;
                case 1 -> new byte[0];
                default -> randomBytes(rnd, 1 + rnd.nextInt(32));
            };
            byte[] value = switch (rnd.nextInt(10)) {
                case 0 -> null;
                case 1 -> new byte[0];
                case 2 -> randomBytes(rnd, 1 + rnd.nextInt(300));
                default -> text(rnd, 1 + rnd.nextInt(40)).getBytes(StandardCharsets.UTF_8);
            };
            Header[] headers = new Header[rnd.nextInt(4)];
            for (int h = 0; h < headers.length; h++) {
                String hk = HEADER_KEYS[rnd.nextInt(HEADER_KEYS.length)];
                byte[] hv = switch (rnd.nextInt(4)) {
                    case 0 -> null;
                    case 1 -> new byte[0];
                    default -> randomBytes(rnd, 1 + rnd.nextInt(16));
                };
                headers[h] = new Header(hk, hv);
            }
            out.add(new Input(timestamp, key, value, headers));
        }
        return out;
    }

    static byte[] randomBytes(Random rnd, int length) {
        byte[] bytes = new byte[length];
        rnd.nextBytes(bytes);
        return bytes;
    }

    private static String text(Random rnd, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        }
        return sb.toString();
    }

    static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer dup = buffer.duplicate();
        byte[] out = new byte[dup.remaining()];
        dup.get(out);
        return out;
    }

    /** CRC-32C of bytes 21..end, computed with the JDK, written into bytes 17..20. */
    static byte[] withFreshCrc(byte[] batch) {
        CRC32C crc = new CRC32C();
        crc.update(batch, 21, batch.length - 21);
        ByteBuffer.wrap(batch).putInt(17, (int) crc.getValue());
        return batch;
    }

    /**
     * A whole batch built by hand around an arbitrary records section, with a correct batchLength and CRC.
     * baseOffset 0, partitionLeaderEpoch -1, no producer id.
     */
    static byte[] handBatch(int attributes, int lastOffsetDelta, int recordCount, byte[] section) {
        ByteBuffer b = ByteBuffer.allocate(61 + section.length);
        b.putLong(0L);                   //  0 baseOffset
        b.putInt(49 + section.length);   //  8 batchLength
        b.putInt(-1);                    // 12 partitionLeaderEpoch
        b.put((byte) 2);                 // 16 magic
        b.putInt(0);                     // 17 crc, below
        b.putShort((short) attributes);  // 21 attributes
        b.putInt(lastOffsetDelta);       // 23 lastOffsetDelta
        b.putLong(T0);                   // 27 baseTimestamp
        b.putLong(T0);                   // 35 maxTimestamp
        b.putLong(-1L);                  // 43 producerId
        b.putShort((short) -1);          // 51 producerEpoch
        b.putInt(-1);                    // 53 baseSequence
        b.putInt(recordCount);           // 57 recordCount
        b.put(section);                  // 61 records
        return withFreshCrc(b.array());
    }

    /** Replaces the records section of a batch, fixing batchLength and the CRC. */
    static byte[] withSection(byte[] batch, byte[] section) {
        byte[] out = Arrays.copyOf(batch, 61 + section.length);
        System.arraycopy(section, 0, out, 61, section.length);
        ByteBuffer.wrap(out).putInt(8, 49 + section.length);
        return withFreshCrc(out);
    }

    static byte[] section(byte[] batch) {
        return Arrays.copyOfRange(batch, 61, batch.length);
    }

    static RecordBatch wrap(byte[] bytes) {
        return new RecordBatch(ByteBuffer.wrap(bytes), 0);
    }

    /** Reads a hex fixture: '#' starts a comment to the end of the line, whitespace is ignored. */
    static byte[] readHexResource(String name) {
        try (InputStream in = TestBatches.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return parseHex(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] parseHex(String text) {
        StringBuilder digits = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            int hash = line.indexOf('#');
            String data = hash >= 0 ? line.substring(0, hash) : line;
            digits.append(data.replaceAll("\\s+", ""));
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits: " + digits.length());
        }
        return HexFormat.of().parseHex(digits);
    }

    /** Hand-rolled record-section writer: zig-zag varints implemented here, not taken from {@link Varints}. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes varint(int value) {
            return unsigned(((long) value << 1 ^ (value >> 31)) & 0xFFFFFFFFL);
        }

        Bytes varlong(long value) {
            long zz = (value << 1) ^ (value >> 63);
            while ((zz & ~0x7FL) != 0) {
                out.write((int) ((zz & 0x7F) | 0x80));
                zz >>>= 7;
            }
            out.write((int) zz);
            return this;
        }

        private Bytes unsigned(long u) {
            while (u >= 0x80) {
                out.write((int) ((u & 0x7F) | 0x80));
                u >>>= 7;
            }
            out.write((int) u);
            return this;
        }

        Bytes raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Bytes raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Bytes utf8(String s) {
            return raw(s.getBytes(StandardCharsets.UTF_8));
        }

        Bytes append(Bytes other) {
            return raw(other.toByteArray());
        }

        int size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** A well-formed record: length prefix, then body. */
    static Bytes record(int offsetDelta, long timestampDelta, String key, String value) {
        Bytes body = new Bytes().raw(0).varlong(timestampDelta).varint(offsetDelta);
        bytesField(body, key);
        bytesField(body, value);
        body.varint(0);
        return new Bytes().varint(body.size()).append(body);
    }

    static Bytes withLengthPrefix(Bytes body) {
        return new Bytes().varint(body.size()).append(body);
    }

    private static void bytesField(Bytes out, String s) {
        if (s == null) {
            out.varint(-1);
        } else {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.varint(b.length).raw(b);
        }
    }
}
