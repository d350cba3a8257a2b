package io.fjord.client.internal;

import io.fjord.client.Callback;
import io.fjord.client.RecordMetadata;
import io.fjord.client.TopicPartition;
import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.Header;
import io.fjord.proto.record.RecordBatchBuilder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The records for one partition that go out together as one record batch, with each record's future and callback.
 * Appends happen under the accumulator's per-partition lock; after {@link #close()} the bytes are fixed (a retry
 * resends the same batch) and only the sender touches the batch; completion happens once, on any thread.
 */
public final class ProducerBatch {
    private record Thunk(CompletableFuture<RecordMetadata> future, Callback callback, long timestampMs,
                         int keySizeBytes, int valueSizeBytes) {
    }

    final TopicPartition topicPartition;
    final long createdMs;
    final long deliveryDeadlineMs;
    private final RecordBatchBuilder builder;
    private final List<Thunk> thunks = new ArrayList<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicBoolean completed = new AtomicBoolean();
    private final int batchSizeBytes;
    private final int reservedBytes;
    private ByteBuffer built;
    int attempts;
    long nextAttemptMs;
    boolean retrying;

    ProducerBatch(TopicPartition topicPartition, CompressionType compression, int batchSizeBytes, int reservedBytes,
                  long createdMs, long deliveryTimeoutMs) {
        this.topicPartition = topicPartition;
        this.builder = new RecordBatchBuilder(compression, Math.min(batchSizeBytes, reservedBytes));
        this.batchSizeBytes = batchSizeBytes;
        this.reservedBytes = reservedBytes;
        this.createdMs = createdMs;
        this.deliveryDeadlineMs = createdMs + deliveryTimeoutMs;
    }

    /** Appends the record if it fits in {@code batch.size} (a first record always fits); null when it does not. */
    CompletableFuture<RecordMetadata> tryAppend(long timestampMs, byte[] key, byte[] value, Header[] headers,
                                                Callback callback) {
        if (built != null) {
            return null;
        }
        if (builder.recordCount() > 0 && builder.estimatedSizeInBytes()
                + RecordBatchBuilder.recordSizeUpperBound(key, value, headers) > batchSizeBytes) {
            return null;
        }
        builder.append(timestampMs, key, value, headers);
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        thunks.add(new Thunk(future, callback, timestampMs, key == null ? -1 : key.length,
                value == null ? -1 : value.length));
        return future;
    }

    boolean isFull() {
        return built != null || builder.estimatedSizeInBytes() >= batchSizeBytes;
    }

    /** Builds the batch bytes (compressing them) once; later appends go to a new batch. */
    ByteBuffer close() {
        if (built == null) {
            built = builder.build();
        }
        return built.duplicate();
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public int recordCount() {
        return thunks.size();
    }

    int reservedBytes() {
        return reservedBytes;
    }

    /** Completes each record's future with its offset ({@code baseOffset} -1: unknown, as with acks=0). */
    void complete(long baseOffset, long logAppendTimeMs) {
        if (!completed.compareAndSet(false, true)) {
            return; // already failed by a forced close, or completed at send time (acks=0)
        }
        for (int i = 0; i < thunks.size(); i++) {
            Thunk t = thunks.get(i);
            long timestamp = logAppendTimeMs >= 0 ? logAppendTimeMs : t.timestampMs;
            RecordMetadata metadata = new RecordMetadata(topicPartition.topic(), topicPartition.partition(),
                    baseOffset < 0 ? -1 : baseOffset + i, timestamp, t.keySizeBytes, t.valueSizeBytes);
            finish(t, metadata, null);
        }
        done.complete(null);
    }

    void fail(RuntimeException exception) {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        for (Thunk t : thunks) {
            RecordMetadata metadata = new RecordMetadata(topicPartition.topic(), topicPartition.partition(), -1,
                    t.timestampMs, t.keySizeBytes, t.valueSizeBytes);
            finish(t, metadata, exception);
        }
        done.complete(null);
    }

    private static void finish(Thunk t, RecordMetadata metadata, RuntimeException exception) {
        if (t.callback != null) {
            try {
                t.callback.onCompletion(metadata, exception);
            } catch (RuntimeException ignored) {
                // a throwing user callback must not keep the other records from completing
            }
        }
        if (exception == null) {
            t.future.complete(metadata);
        } else {
            t.future.completeExceptionally(exception);
        }
    }

    /** Completes once every record of the batch is acknowledged or failed. */
    CompletableFuture<Void> done() {
        return done;
    }

    boolean isDone() {
        return done.isDone();
    }

    @Override
    public String toString() {
        return "ProducerBatch(" + topicPartition + ", " + thunks.size() + " records, attempts=" + attempts + ")";
    }
}
