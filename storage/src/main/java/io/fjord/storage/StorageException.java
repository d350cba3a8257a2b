package io.fjord.storage;

/**
 * An I/O failure in a log directory. The message names the file or directory and what was being done; callers take
 * the directory offline rather than carry on with a log they can no longer trust.
 */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message + ": " + cause, cause);
    }
}
