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
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The records for one partition that go out together as one record batch, with each record's future and callback.
 * Appends happen under the accumulator's per-partition lock; after {@link #close()} the bytes are fixed (a retry
 * resends the same batch) and only the sender touches the batch; completion happens once, on any thread. The batch
 * is encoded into {@link #buffer()}, which the accumulator gives back to the buffer memory when the batch is done.
 */
public final class ProducerBatch {
    /** The owner (accumulator) whose record callbacks this thread is running, if any. */
    private static final ThreadLocal<Object> IN_CALLBACK_OF = new ThreadLocal<>();

    final TopicPartition topicPartition;
    final long createdMs;
    final long deliveryDeadlineMs;
    private final RecordBatchBuilder builder;
    private final ByteBuffer buffer;
    private final Object owner;
    final long sequence;
    private final AtomicBoolean bufferReleased = new AtomicBoolean();
    private final List<RecordFuture> records = new ArrayList<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicBoolean completed = new AtomicBoolean();
    private final int batchSizeBytes;
    private ByteBuffer built;
    // the outcome, written before done completes (whose completion publishes them)
    private long baseOffset = -1;
    private long logAppendTimeMs = -1;
    private RuntimeException error;
    int attempts;
    long nextAttemptMs;
    boolean retrying;

    /**
     * @param owner    the accumulator: {@link #inCallbackOf} tells its producer whether it is called from its own
     *                 callback
     * @param sequence the order batches were opened in (a partition's batches hold its records in send order)
     * @param buffer where the batch is encoded (from the buffer memory; its capacity is what was reserved)
     */
    ProducerBatch(Object owner, long sequence, TopicPartition topicPartition, CompressionType compression,
                  int batchSizeBytes, ByteBuffer buffer, long createdMs, long deliveryTimeoutMs) {
        this.owner = owner;
        this.sequence = sequence;
        this.topicPartition = topicPartition;
        this.buffer = buffer;
        this.builder = new RecordBatchBuilder(compression, buffer);
        this.batchSizeBytes = batchSizeBytes;
        this.createdMs = createdMs;
        this.deliveryDeadlineMs = createdMs + deliveryTimeoutMs;
    }

    /** Appends the record if it fits in {@code batch.size} (a first record always fits); null when it does not. */
    Future<RecordMetadata> tryAppend(long timestampMs, byte[] key, byte[] value, Header[] headers, Callback callback) {
        if (built != null) {
            return null;
        }
        if (builder.recordCount() > 0 && builder.estimatedSizeInBytes()
                + RecordBatchBuilder.recordSizeUpperBound(key, value, headers) > batchSizeBytes) {
            return null;
        }
        builder.append(timestampMs, key, value, headers);
        RecordFuture future = new RecordFuture(this, records.size(), timestampMs, key == null ? -1 : key.length,
                value == null ? -1 : value.length, callback);
        records.add(future);
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
        return records.size();
    }

    /** The buffer handed out for this batch; its capacity is the memory reserved for it. */
    ByteBuffer buffer() {
        return buffer;
    }

    /** True exactly once: whoever gets it gives the buffer back. */
    boolean releaseBuffer() {
        return bufferReleased.compareAndSet(false, true);
    }

    /** Whether the calling thread runs a callback of this batch's producer. */
    boolean inOwnersCallback() {
        return inCallbackOf(owner);
    }

    /** Completes each record's future with its offset ({@code baseOffset} -1: unknown, as with acks=0). */
    void complete(long baseOffset, long logAppendTimeMs) {
        if (!completed.compareAndSet(false, true)) {
            return; // already failed by a forced close, or completed at send time (acks=0)
        }
        this.baseOffset = baseOffset;
        this.logAppendTimeMs = logAppendTimeMs;
        try {
            for (RecordFuture record : records) {
                if (record.callback != null) {
                    runCallback(owner, record.callback, record.metadata(baseOffset, logAppendTimeMs), null);
                }
            }
        } finally {
            done.complete(null); // even when a callback throws an Error: nobody waits forever
        }
    }

    void fail(RuntimeException exception) {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        this.error = exception;
        try {
            for (RecordFuture record : records) {
                if (record.callback != null) {
                    runCallback(owner, record.callback, record.metadata(-1, -1), exception);
                }
            }
        } finally {
            done.complete(null);
        }
    }

    private static void runCallback(Object owner, Callback callback, RecordMetadata metadata,
                                    RuntimeException exception) {
        Object outer = IN_CALLBACK_OF.get();
        IN_CALLBACK_OF.set(owner);
        try {
            callback.onCompletion(metadata, exception);
        } catch (RuntimeException ignored) {
            // a throwing user callback must not keep the other records from completing
        } finally {
            IN_CALLBACK_OF.set(outer);
        }
    }

    /** Whether the calling thread is inside a record callback of {@code owner}'s batches (waiting there deadlocks). */
    static boolean inCallbackOf(Object owner) {
        return IN_CALLBACK_OF.get() == owner;
    }

    long baseOffset() {
        return baseOffset;
    }

    long logAppendTimeMs() {
        return logAppendTimeMs;
    }

    RuntimeException error() {
        return error;
    }

    /** Completes once every record of the batch is acknowledged or failed (futures resolve then). */
    CompletableFuture<Void> done() {
        return done;
    }

    boolean isDone() {
        return done.isDone();
    }

    @Override
    public String toString() {
        return "ProducerBatch(" + topicPartition + ", " + records.size() + " records, attempts=" + attempts + ")";
    }
}
