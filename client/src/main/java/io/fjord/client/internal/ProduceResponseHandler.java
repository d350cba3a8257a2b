package io.fjord.client.internal;

import io.fjord.client.FjordException;
import io.fjord.client.Node;
import io.fjord.client.TopicPartition;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.PartitionProduceResponse;
import io.fjord.proto.v1.ProduceResponse;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * Turns a produce answer into outcomes per batch: complete it, put it back for a retry (after
 * {@code retry.backoff.ms}, within {@code delivery.timeout.ms}, refreshing metadata first when the leader moved),
 * or fail it with the broker's error code and message. Thread-safe (called on gRPC threads).
 *
 * <p>A partition has at most one batch in flight and a retried batch goes back to the head of its queue, so
 * records of a partition are appended in {@code send} order, retries included. Completions (and their callbacks)
 * are not run here: they go, in order, to {@code completions}, which the I/O thread runs; a partition's are queued
 * before it is unmuted, so its callbacks run in {@code send} order, as Kafka promises.
 */
public final class ProduceResponseHandler {
    private final ProducerSettings settings;
    private final RecordAccumulator accumulator;
    private final Metadata metadata;
    private final Queue<Runnable> completions;

    public ProduceResponseHandler(ProducerSettings settings, RecordAccumulator accumulator, Metadata metadata,
                                  Queue<Runnable> completions) {
        this.settings = settings;
        this.accumulator = accumulator;
        this.metadata = metadata;
        this.completions = completions;
    }

    public void handleResponse(Node node, Map<TopicPartition, List<ProducerBatch>> batches, ProduceResponse response,
                               long nowMs) {
        Map<TopicPartition, List<ProducerBatch>> pending = new HashMap<>(batches);
        for (PartitionProduceResponse p : response.getPartitionsList()) {
            List<ProducerBatch> group = pending.remove(new TopicPartition(p.getTopic(), p.getPartition()));
            if (group == null) {
                continue;
            }
            if (p.getErrorCode() == ErrorCode.NONE) {
                long offset = p.getBaseOffset(); // the group's batches were appended together, in order
                for (ProducerBatch batch : group) {
                    completeBatch(batch, offset, p.getLogAppendTimeMs());
                    offset += batch.recordCount();
                }
            } else if (group.size() > 1 && (p.getErrorCode() == ErrorCode.RECORD_TOO_LARGE
                    || p.getErrorCode() == ErrorCode.CORRUPT_MESSAGE)) {
                // one batch of the group may be at fault: each goes again alone (a re-sent batch always does), so
                // only the faulty one fails
                for (int i = group.size() - 1; i >= 0; i--) {
                    accumulator.reenqueue(group.get(i), nowMs);
                }
            } else {
                FjordException error = FjordException.forError(p.getErrorCode(), p.getErrorMessage(),
                        group.get(0).topicPartition + " on broker " + node.id());
                retryOrFailInOrder(group, error, RetryPolicy.needsMetadataRefresh(p.getErrorCode()), nowMs);
            }
            accumulator.unmute(group.get(0).topicPartition); // its request is over: the next may go
        }
        for (List<ProducerBatch> missing : pending.values()) {
            retryOrFailInOrder(missing, FjordException.forError(ErrorCode.UNKNOWN_SERVER_ERROR,
                    "the produce response did not mention this partition", missing.get(0).topicPartition.toString()),
                    false, nowMs);
            accumulator.unmute(missing.get(0).topicPartition);
        }
    }

    /**
     * Retried batches go back last first (each to the head of the queue), so they end up in send order; failed ones
     * are queued for completion first first, so their callbacks run in send order. The partition stays muted
     * meanwhile; the caller unmutes it once its request is over.
     */
    private void retryOrFailInOrder(List<ProducerBatch> group, FjordException error, boolean refreshMetadata,
                                    long nowMs) {
        if (refreshMetadata && error.isRetriable()) {
            metadata.requestUpdate();
        }
        List<ProducerBatch> retried = new java.util.ArrayList<>();
        for (ProducerBatch batch : group) {
            RetryPolicy.Decision decision = RetryPolicy.decide(error.isRetriable(), batch.attempts,
                    settings.retries(), nowMs, settings.retryBackoffMs(), batch.deliveryDeadlineMs);
            if (decision == RetryPolicy.Decision.RETRY) {
                retried.add(batch);
            } else {
                failBatch(batch, error);
            }
        }
        for (int i = retried.size() - 1; i >= 0; i--) {
            accumulator.reenqueue(retried.get(i), nowMs);
        }
    }

    /** The whole request failed (gRPC status): every batch in it is retried or failed alike. */
    public void handleFailure(Node node, Collection<ProducerBatch> batches, Throwable t, long nowMs) {
        FjordException error = GrpcErrors.toException(t, node.address());
        List<ProducerBatch> inOrder = new java.util.ArrayList<>(batches);
        retryOrFailInOrder(inOrder, error, true, nowMs);
        inOrder.forEach(b -> accumulator.unmute(b.topicPartition));
    }

    /** Queues a batch's completion; its partition stays muted until the caller ends the request. */
    private void completeBatch(ProducerBatch batch, long baseOffset, long logAppendTimeMs) {
        accumulator.releaseBuffer(batch);
        completions.add(() -> {
            batch.complete(baseOffset, logAppendTimeMs);
            accumulator.deallocate(batch);
        });
    }

    /**
     * Queues a batch's failure for good. Never unmutes: a queued batch expiring must not let a second request go in
     * flight.
     */
    public void failBatch(ProducerBatch batch, RuntimeException error) {
        accumulator.releaseBuffer(batch);
        completions.add(() -> {
            batch.fail(error);
            accumulator.deallocate(batch);
        });
    }
}
