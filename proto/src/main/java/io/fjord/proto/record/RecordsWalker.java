package io.fjord.proto.record;

/**
 * Walks an uncompressed records section and checks every record's structure without decoding it into objects:
 * the leader's hot-path validation. Each field must lie inside its record, each record inside the section, offset
 * deltas must run 0..n-1, and nothing may follow the last record. Single use; not thread-safe.
 */
final class RecordsWalker {
    private final byte[] bytes;
    private final int end;
    private int pos;

    RecordsWalker(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        this.pos = from;
        this.end = to;
    }

    /** Checks {@code count} records and returns the largest timestamp delta among them. */
    long walk(int count) {
        long maxTimestampDelta = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            maxTimestampDelta = Math.max(maxTimestampDelta, record(i));
        }
        if (pos != end) {
            throw new CorruptRecordException((end - pos) + " bytes follow the last of " + count + " records");
        }
        return maxTimestampDelta;
    }

    private long record(int index) {
        int bodySize = varint(end, index);
        if (bodySize < 1 || bodySize > end - pos) {
            throw new CorruptRecordException("record " + index + ": length " + bodySize + " but " + (end - pos)
                    + " bytes remain in the batch");
        }
        int recordEnd = pos + bodySize;
        pos++; // attributes, unused
        long timestampDelta = varlong(recordEnd, index);
        int offsetDelta = varint(recordEnd, index);
        if (offsetDelta != index) {
            throw new CorruptRecordException("record " + index + " has offset delta " + offsetDelta
                    + "; a producer batch numbers its records 0, 1, 2, ...");
        }
        skipBytes(recordEnd, index, "key", true);
        skipBytes(recordEnd, index, "value", true);
        int headers = varint(recordEnd, index);
        if (headers < 0 || headers > recordEnd - pos) {
            throw new CorruptRecordException("record " + index + ": invalid header count " + headers);
        }
        for (int h = 0; h < headers; h++) {
            skipBytes(recordEnd, index, "header key", false);
            skipBytes(recordEnd, index, "header value", true);
        }
        if (pos != recordEnd) {
            throw new CorruptRecordException("record " + index + ": length " + bodySize + " does not match its fields");
        }
        return timestampDelta;
    }

    private void skipBytes(int limit, int index, String what, boolean nullable) {
        int length = varint(limit, index);
        if (length < (nullable ? -1 : 0) || length > limit - pos) {
            throw new CorruptRecordException("record " + index + ": " + what + " length " + length + " is invalid ("
                    + (limit - pos) + " bytes left in the record)");
        }
        if (length > 0) {
            pos += length;
        }
    }

    private int varint(int limit, int index) {
        if (pos < limit) { // fast paths: one- and two-byte varints are nearly all of them
            int b0 = bytes[pos];
            if (b0 >= 0) {
                pos++;
                return (b0 >>> 1) ^ -(b0 & 1);
            }
            if (pos + 1 < limit) {
                int b1 = bytes[pos + 1];
                if (b1 >= 0) {
                    pos += 2;
                    int raw = (b0 & 0x7f) | (b1 << 7);
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
        }
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos >= limit) {
                throw new CorruptRecordException("record " + index + " ends inside a varint");
            }
            byte b = bytes[pos++];
            raw |= (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new CorruptRecordException("record " + index + ": varint longer than 5 bytes");
    }

    private long varlong(int limit, int index) {
        if (pos < limit && bytes[pos] >= 0) {
            long b0 = bytes[pos++];
            return (b0 >>> 1) ^ -(b0 & 1);
        }
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= limit) {
                throw new CorruptRecordException("record " + index + " ends inside a varlong");
            }
            byte b = bytes[pos++];
            raw |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new CorruptRecordException("record " + index + ": varlong longer than 10 bytes");
    }
}
