package io.fjord.client.internal;

import io.fjord.client.Callback;
import io.fjord.client.RecordMetadata;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future {@code send} returns for one record, and its callback: the record's place in its batch, resolved when
 * the batch completes. One small object per record (the batch holds the outcome), as Kafka's FutureRecordMetadata.
 */
final class RecordFuture implements Future<RecordMetadata> {
    private final ProducerBatch batch;
    private final int index;
    private final long timestampMs;
    private final int keySizeBytes;
    private final int valueSizeBytes;
    final Callback callback;

    RecordFuture(ProducerBatch batch, int index, long timestampMs, int keySizeBytes, int valueSizeBytes,
                 Callback callback) {
        this.batch = batch;
        this.index = index;
        this.timestampMs = timestampMs;
        this.keySizeBytes = keySizeBytes;
        this.valueSizeBytes = valueSizeBytes;
        this.callback = callback;
    }

    /** The record's metadata from its batch's outcome (offset -1 when unknown or failed). */
    RecordMetadata metadata(long baseOffset, long logAppendTimeMs) {
        return new RecordMetadata(batch.topicPartition.topic(), batch.topicPartition.partition(),
                baseOffset < 0 ? -1 : baseOffset + index, logAppendTimeMs >= 0 ? logAppendTimeMs : timestampMs,
                keySizeBytes, valueSizeBytes);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return false;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public boolean isDone() {
        return batch.isDone();
    }

    @Override
    public RecordMetadata get() throws InterruptedException, ExecutionException {
        refuseWaitingInCallback();
        batch.done().get();
        return outcome();
    }

    @Override
    public RecordMetadata get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        refuseWaitingInCallback();
        batch.done().get(timeout, unit);
        return outcome();
    }

    /** Callbacks run on the producer's I/O thread, which completes futures: waiting there would wait forever. */
    private void refuseWaitingInCallback() {
        if (!batch.isDone() && batch.inOwnersCallback()) {
            throw new IllegalStateException("waiting for a record's future inside a producer callback would wait"
                    + " forever (callbacks run on the thread that completes futures)");
        }
    }

    private RecordMetadata outcome() throws ExecutionException {
        RuntimeException error = batch.error();
        if (error != null) {
            throw new ExecutionException(error);
        }
        return metadata(batch.baseOffset(), batch.logAppendTimeMs());
    }
}
