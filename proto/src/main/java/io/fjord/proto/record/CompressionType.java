package io.fjord.proto.record;

import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Compression of a batch's records section (attribute bits 0-2). Each codec writes the framing Kafka writes, so
 * batches stay byte-compatible: gzip (RFC 1952), snappy (xerial's stream framing), lz4 (LZ4 frame format), zstd
 * (zstd frame). Stateless and thread-safe.
 */
public enum CompressionType {
    NONE(0, "none") {
        @Override
        public byte[] compress(byte[] src, int offset, int length) {
            return java.util.Arrays.copyOfRange(src, offset, offset + length);
        }

        @Override
        public byte[] decompress(byte[] src, int offset, int length) {
            return java.util.Arrays.copyOfRange(src, offset, offset + length);
        }
    },
    GZIP(1, "gzip") {
        @Override
        public byte[] compress(byte[] src, int offset, int length) {
            return viaStream(src, offset, length, out -> new GZIPOutputStream(out, 8 * 1024));
        }

        @Override
        public byte[] decompress(byte[] src, int offset, int length) {
            return drain(displayName(), () -> new GZIPInputStream(new ByteArrayInputStream(src, offset, length), 8 * 1024));
        }
    },
    SNAPPY(2, "snappy") {
        @Override
        public byte[] compress(byte[] src, int offset, int length) {
            return viaStream(src, offset, length, SnappyOutputStream::new);
        }

        @Override
        public byte[] decompress(byte[] src, int offset, int length) {
            checkSnappyLengths(src, offset, length);
            return drain(displayName(), () -> new SnappyInputStream(new ByteArrayInputStream(src, offset, length)));
        }
    },
    LZ4(3, "lz4") {
        @Override
        public byte[] compress(byte[] src, int offset, int length) {
            // 64 KiB blocks, independent, no checksums: the frame Kafka's producer writes (lz4-java's default is 4 MiB
            // blocks, which costs two 4 MiB buffers per batch on both sides)
            return viaStream(src, offset, length,
                    out -> new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB));
        }

        @Override
        public byte[] decompress(byte[] src, int offset, int length) {
            return drain(displayName(), () -> new LZ4FrameInputStream(new ByteArrayInputStream(src, offset, length)));
        }
    },
    ZSTD(4, "zstd") {
        @Override
        public byte[] compress(byte[] src, int offset, int length) {
            return viaStream(src, offset, length, com.github.luben.zstd.ZstdOutputStream::new);
        }

        @Override
        public byte[] decompress(byte[] src, int offset, int length) {
            return drain(displayName(), () -> new com.github.luben.zstd.ZstdInputStream(
                    new ByteArrayInputStream(src, offset, length)));
        }
    };

    private final int id;
    private final String displayName;

    CompressionType(int id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    /** The codec id stored in attribute bits 0-2. */
    public int id() {
        return id;
    }

    /** The name used in configuration ({@code compression.type}). */
    public String displayName() {
        return displayName;
    }

    public abstract byte[] compress(byte[] src, int offset, int length);

    /** Decompresses; a malformed input throws {@link CorruptRecordException} naming the codec. */
    public abstract byte[] decompress(byte[] src, int offset, int length);

    /**
     * Decompresses at most {@code maxBytes}: a section that expands further (a decompression bomb) is a
     * {@link CorruptRecordException}, found after reading no more than {@code maxBytes + 1} bytes.
     */
    public byte[] decompress(byte[] src, int offset, int length, int maxBytes) {
        if (this == NONE) {
            return decompress(src, offset, length);
        }
        return drainBounded(this, src, offset, length, maxBytes);
    }

    /** The decompressing stream for this codec (not for {@link #NONE}). */
    private InputStream decompressingStream(byte[] src, int offset, int length) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(src, offset, length);
        return switch (this) {
            case GZIP -> new GZIPInputStream(in, 8 * 1024);
            case SNAPPY -> new SnappyInputStream(in);
            case LZ4 -> new LZ4FrameInputStream(in);
            case ZSTD -> new com.github.luben.zstd.ZstdInputStream(in);
            case NONE -> in;
        };
    }

    private static byte[] drainBounded(CompressionType codec, byte[] src, int offset, int length, int maxBytes) {
        if (codec == SNAPPY) {
            byte[] out = codec.decompress(src, offset, length); // snappy's own decoder bounds each chunk (see above)
            if (out.length > maxBytes) {
                throw new CorruptRecordException("snappy records expand to " + out.length + " bytes, above the limit of "
                        + maxBytes);
            }
            return out;
        }
        try (InputStream in = codec.decompressingStream(src, offset, length)) {
            byte[] out = in.readNBytes(maxBytes + 1);
            if (out.length > maxBytes) {
                throw new CorruptRecordException(codec.displayName + " records expand beyond the limit of " + maxBytes
                        + " bytes");
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof CorruptRecordException c) {
                throw c;
            }
            throw new CorruptRecordException("cannot decompress " + codec.displayName + " records: " + e.getMessage(), e);
        }
    }

    public static CompressionType forId(int id) {
        for (CompressionType type : values()) {
            if (type.id == id) {
                return type;
            }
        }
        throw new CorruptRecordException("unknown compression codec id " + id + " (known: 0-4)");
    }

    public static CompressionType forName(String name) {
        for (CompressionType type : values()) {
            if (type.displayName.equals(name.toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new IllegalArgumentException(
                "unknown compression type '" + name + "' (allowed: none, gzip, snappy, lz4, zstd)");
    }

    private interface StreamWrapper {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    private interface StreamOpener {
        InputStream open() throws IOException;
    }

    private static byte[] viaStream(byte[] src, int offset, int length, StreamWrapper wrapper) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream(Math.max(64, length / 2));
        try (OutputStream out = wrapper.wrap(sink)) {
            out.write(src, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException("compression failed", e);
        }
        return sink.toByteArray();
    }

    private static byte[] drain(String displayName, StreamOpener opener) {
        try (InputStream in = opener.open()) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException | SnappyError e) {
            // snappy-java reports some malformed input with SnappyError, an Error
            throw new CorruptRecordException("cannot decompress " + displayName + " records: " + e.getMessage(), e);
        }
    }

    private static final byte[] XERIAL_MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    /** Magic, then int32 version and int32 minimum compatible version. */
    private static final int XERIAL_HEADER_BYTES = 16;
    /**
     * No snappy element expands by more than 64 output bytes per 3 input bytes (a copy with a 2-byte offset), so a
     * block that declares more than this many times its own size is corrupt.
     */
    private static final long MAX_SNAPPY_EXPANSION = 22;

    /**
     * snappy-java allocates whatever a chunk header or a block preamble declares (up to 512 MiB, or 2 GiB) before
     * it reads the data, so a few corrupt bytes could exhaust the heap. Check every declared length against the
     * bytes actually present first. Input without the xerial header is a single raw block, as
     * {@link SnappyInputStream} reads it.
     */
    private static void checkSnappyLengths(byte[] src, int offset, int length) {
        int end = offset + length;
        if (!startsWithXerialHeader(src, offset, end)) {
            checkSnappyBlock(src, offset, length);
            return;
        }
        int position = offset;
        while (position < end) {
            if (startsWithXerialHeader(src, position, end)) { // streams may be concatenated
                position += XERIAL_HEADER_BYTES;
                continue;
            }
            if (end - position < 4) {
                throw new CorruptRecordException("cannot decompress snappy records: " + (end - position)
                        + " stray bytes after the last chunk");
            }
            int chunk = ((src[position] & 0xff) << 24) | ((src[position + 1] & 0xff) << 16)
                    | ((src[position + 2] & 0xff) << 8) | (src[position + 3] & 0xff);
            position += 4;
            if (chunk < 0 || chunk > end - position) {
                throw new CorruptRecordException("cannot decompress snappy records: chunk length " + chunk
                        + " but " + (end - position) + " bytes remain");
            }
            checkSnappyBlock(src, position, chunk);
            position += chunk;
        }
    }

    private static boolean startsWithXerialHeader(byte[] src, int position, int end) {
        return end - position >= XERIAL_HEADER_BYTES
                && java.util.Arrays.equals(src, position, position + XERIAL_MAGIC.length,
                        XERIAL_MAGIC, 0, XERIAL_MAGIC.length);
    }

    private static void checkSnappyBlock(byte[] src, int offset, int length) {
        int declared;
        try {
            declared = Snappy.uncompressedLength(src, offset, length);
        } catch (IOException | RuntimeException | SnappyError e) {
            throw new CorruptRecordException("cannot decompress snappy records: " + e.getMessage(), e);
        }
        if (declared < 0 || declared > MAX_SNAPPY_EXPANSION * length) {
            throw new CorruptRecordException("cannot decompress snappy records: a " + length
                    + "-byte block declares " + Integer.toUnsignedString(declared) + " uncompressed bytes");
        }
    }
}
