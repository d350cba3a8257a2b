package io.fjord.proto.record;

/**
 * A record batch (or a record inside one) does not follow {@code RECORD_FORMAT.md}: bad length, magic or CRC, or a
 * malformed record. The message names the problem; the receiver rejects the whole request and writes nothing.
 */
public class CorruptRecordException extends RuntimeException {
    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
