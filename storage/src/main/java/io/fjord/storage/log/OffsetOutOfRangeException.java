package io.fjord.storage.log;

/** A read, truncation or deletion named an offset outside the log's valid range; the message gives the range. */
public class OffsetOutOfRangeException extends RuntimeException {
    public OffsetOutOfRangeException(String message) {
        super(message);
    }
}
