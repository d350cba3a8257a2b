package io.fjord.storage.log;

/** A record batch is larger than {@code max.message.bytes}; nothing was written. */
public class RecordTooLargeException extends RuntimeException {
    public RecordTooLargeException(String message) {
        super(message);
    }
}
