package io.fjord.client;

/**
 * Called once per sent record when it is acknowledged or has failed for good. Runs on a client I/O thread: keep it
 * short and never block in it (hand slow work to your own executor), or every other record's completion waits.
 */
@FunctionalInterface
public interface Callback {
    /**
     * @param metadata where the record went (with offset -1 on failure, topic and partition where known)
     * @param exception null on success, else a {@link FjordException} (or another exception thrown while sending)
     */
    void onCompletion(RecordMetadata metadata, Exception exception);
}
