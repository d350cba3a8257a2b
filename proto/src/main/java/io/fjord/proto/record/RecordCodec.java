package io.fjord.proto.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes one record inside a batch's records section:
 * <pre>
 * length          varint   bytes that follow, up to the end of the headers
 * attributes      int8     unused, 0
 * timestampDelta  varlong  timestamp - batch baseTimestamp
 * offsetDelta     varint   offset - batch baseOffset
 * keyLength       varint   -1 for a null key
 * key             bytes
 * valueLength     varint   -1 for a null value
 * value           bytes
 * headerCount     varint
 *   headerKeyLength varint, headerKey UTF-8 bytes, headerValueLength varint (-1 = null), headerValue bytes
 * </pre>
 */
final class RecordCodec {
    private RecordCodec() {
    }

    /** Bytes the record body occupies, without its own length prefix. */
    static int bodySize(int offsetDelta, long timestampDelta, byte[] key, byte[] value, Header[] headers) {
        int size = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(offsetDelta);
        size += bytesFieldSize(key) + bytesFieldSize(value);
        size += Varints.sizeOfVarint(headers.length);
        for (Header h : headers) {
            size += bytesFieldSize(h.key().getBytes(StandardCharsets.UTF_8)) + bytesFieldSize(h.value());
        }
        return size;
    }

    static int sizeWithLengthPrefix(int bodySize) {
        return Varints.sizeOfVarint(bodySize) + bodySize;
    }

    static void write(ByteBuffer out, int bodySize, int offsetDelta, long timestampDelta,
                      byte[] key, byte[] value, Header[] headers) {
        Varints.writeVarint(out, bodySize);
        out.put((byte) 0);
        Varints.writeVarlong(out, timestampDelta);
        Varints.writeVarint(out, offsetDelta);
        writeBytesField(out, key);
        writeBytesField(out, value);
        Varints.writeVarint(out, headers.length);
        for (Header h : headers) {
            byte[] keyBytes = h.key().getBytes(StandardCharsets.UTF_8);
            Varints.writeVarint(out, keyBytes.length);
            out.put(keyBytes);
            writeBytesField(out, h.value());
        }
    }

    static Record read(ByteBuffer in, long baseOffset, long baseTimestamp, long logAppendTime) {
        int bodySize = Varints.readVarint(in);
        if (bodySize < 0 || bodySize > in.remaining()) {
            throw new CorruptRecordException("record length " + bodySize + " but " + in.remaining()
                    + " bytes remain in the batch");
        }
        int start = in.position();
        int end = start + bodySize;
        int outerLimit = in.limit();
        in.limit(end); // a field that runs past the record's length must not read the next record's bytes
        try {
            in.get(); // attributes, unused
            long timestampDelta = Varints.readVarlong(in);
            int offsetDelta = Varints.readVarint(in);
            byte[] key = readBytesField(in, end, "key");
            byte[] value = readBytesField(in, end, "value");
            int headerCount = Varints.readVarint(in);
            if (headerCount < 0 || headerCount > end - in.position()) {
                throw new CorruptRecordException("invalid header count " + headerCount);
            }
            List<Header> headers = new ArrayList<>(headerCount);
            for (int i = 0; i < headerCount; i++) {
                byte[] headerKey = readBytesField(in, end, "header key");
                if (headerKey == null) {
                    throw new CorruptRecordException("null header key");
                }
                headers.add(new Header(new String(headerKey, StandardCharsets.UTF_8),
                        readBytesField(in, end, "header value")));
            }
            if (in.position() != end) {
                throw new CorruptRecordException("record length " + bodySize + " does not match its fields ("
                        + (in.position() - start) + " bytes)");
            }
            long timestamp = logAppendTime != RecordBatch.NO_TIMESTAMP
                    ? logAppendTime : baseTimestamp + timestampDelta;
            return new Record(baseOffset + offsetDelta, timestamp, key, value, headers);
        } catch (BufferUnderflowException e) {
            throw new CorruptRecordException("record fields run past the record length " + bodySize, e);
        } finally {
            in.limit(outerLimit);
        }
    }

    private static int bytesFieldSize(byte[] bytes) {
        return bytes == null ? 1 : Varints.sizeOfVarint(bytes.length) + bytes.length;
    }

    private static void writeBytesField(ByteBuffer out, byte[] bytes) {
        if (bytes == null) {
            Varints.writeVarint(out, -1);
        } else {
            Varints.writeVarint(out, bytes.length);
            out.put(bytes);
        }
    }

    private static byte[] readBytesField(ByteBuffer in, int end, String what) {
        int length = Varints.readVarint(in);
        if (length == -1) {
            return null;
        }
        if (length < -1 || length > end - in.position()) {
            throw new CorruptRecordException(what + " length " + length + " is invalid ("
                    + (end - in.position()) + " bytes left in the record)");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }
}
