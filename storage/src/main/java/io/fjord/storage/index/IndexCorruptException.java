package io.fjord.storage.index;

/** An index file fails its sanity check; the segment rebuilds it from the log. */
public class IndexCorruptException extends RuntimeException {
    public IndexCorruptException(String message) {
        super(message);
    }
}
