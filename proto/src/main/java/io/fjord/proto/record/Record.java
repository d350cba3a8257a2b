package io.fjord.proto.record;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One decoded record: what a consumer sees. Key and value may be null; the arrays are not copied.
 *
 * @param offset    the record's offset in its partition (base offset of its batch + offset delta)
 * @param timestamp milliseconds since the epoch, of the batch's {@link TimestampType}
 */
public record Record(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
    public Record {
        headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Record r && offset == r.offset && timestamp == r.timestamp
                && Arrays.equals(key, r.key) && Arrays.equals(value, r.value) && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, timestamp, Arrays.hashCode(key), Arrays.hashCode(value), headers);
    }

    @Override
    public String toString() {
        return "Record(offset=" + offset + ", timestamp=" + timestamp
                + ", key=" + (key == null ? "null" : key.length + "B")
                + ", value=" + (value == null ? "null" : value.length + "B") + ", headers=" + headers + ")";
    }
}
