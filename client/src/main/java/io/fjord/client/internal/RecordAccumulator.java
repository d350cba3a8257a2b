package io.fjord.client.internal;

import io.fjord.client.Callback;
import io.fjord.client.FjordException;
import io.fjord.client.Node;
import io.fjord.client.RecordMetadata;
import io.fjord.client.TopicPartition;
import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.Header;
import io.fjord.proto.record.RecordBatch;
import io.fjord.proto.record.RecordBatchBuilder;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Per-partition queues of batches being filled by {@code send} and taken by the sender. A partition's first batch is
 * <em>ready</em> when it is full, or has waited {@code linger.ms} (or its retry backoff), or a flush or close is in
 * progress, or the buffer memory is exhausted. Time is passed in ({@code nowMs}), so readiness is tested without a
 * clock. Thread-safe: each partition's deque is guarded by its own monitor.
 */
public final class RecordAccumulator {
    /** What {@link #append} did. {@code future} null means: the caller asked to abort instead of opening a batch. */
    public record AppendResult(Future<RecordMetadata> future, boolean batchIsFull,
                               boolean newBatchCreated) {
    }

    /** Which leaders have something to send, when to look again, and which topics lack a known leader. */
    public record ReadyCheckResult(Set<Node> readyNodes, long nextReadyCheckDelayMs, Set<String> unknownLeaderTopics) {
    }

    private final int batchSizeBytes;
    private final long lingerMs;
    private final long retryBackoffMs;
    private final long deliveryTimeoutMs;
    private final CompressionType compression;
    private final BufferMemory memory;
    private final Map<TopicPartition, Deque<ProducerBatch>> batches = new ConcurrentHashMap<>();
    private final Set<ProducerBatch> incomplete = ConcurrentHashMap.newKeySet();
    private final Set<TopicPartition> muted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger flushesInProgress = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong batchSequence = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    public RecordAccumulator(int batchSizeBytes, long lingerMs, long retryBackoffMs, long deliveryTimeoutMs,
                             CompressionType compression, BufferMemory memory) {
        this.batchSizeBytes = batchSizeBytes;
        this.lingerMs = lingerMs;
        this.retryBackoffMs = retryBackoffMs;
        this.deliveryTimeoutMs = deliveryTimeoutMs;
        this.compression = compression;
        this.memory = memory;
    }

    public AppendResult append(TopicPartition tp, long timestampMs, byte[] key, byte[] value, Header[] headers,
                               Callback callback, long maxBlockMs, boolean abortOnNewBatch, long nowMs) {
        if (closed) {
            throw new IllegalStateException("cannot send after the producer is closed");
        }
        Deque<ProducerBatch> deque = batches.computeIfAbsent(tp, k -> new ArrayDeque<>());
        synchronized (deque) {
            AppendResult result = tryAppend(deque, timestampMs, key, value, headers, callback);
            if (result != null) {
                return result;
            }
        }
        if (abortOnNewBatch) {
            return new AppendResult(null, false, false);
        }
        int reserve = Math.max(batchSizeBytes, RecordBatch.HEADER_SIZE_BYTES + RecordBatchBuilder.recordSizeUpperBound(
                key, value, headers));
        ByteBuffer buffer = memory.allocate(reserve, maxBlockMs);
        synchronized (deque) {
            if (closed) {
                memory.deallocate(buffer, reserve);
                throw new IllegalStateException("cannot send after the producer is closed");
            }
            AppendResult result = tryAppend(deque, timestampMs, key, value, headers, callback);
            if (result != null) {
                memory.deallocate(buffer, reserve);
                return result;
            }
            ProducerBatch batch = new ProducerBatch(this, batchSequence.getAndIncrement(), tp, compression,
                    batchSizeBytes, buffer, nowMs, deliveryTimeoutMs);
            Future<RecordMetadata> future = batch.tryAppend(timestampMs, key, value, headers, callback);
            deque.addLast(batch);
            incomplete.add(batch);
            return new AppendResult(future, deque.size() > 1 || batch.isFull(), true);
        }
    }

    private static AppendResult tryAppend(Deque<ProducerBatch> deque, long timestampMs, byte[] key, byte[] value,
                                          Header[] headers, Callback callback) {
        ProducerBatch last = deque.peekLast();
        if (last == null || last.retrying) {
            return null;
        }
        Future<RecordMetadata> future = last.tryAppend(timestampMs, key, value, headers, callback);
        if (future == null) {
            return null;
        }
        return new AppendResult(future, deque.size() > 1 || last.isFull(), false);
    }

    public ReadyCheckResult ready(Function<TopicPartition, Node> leaderOf, long nowMs) {
        Set<Node> ready = new HashSet<>();
        Set<String> unknown = new HashSet<>();
        long nextDelayMs = Long.MAX_VALUE;
        boolean exhausted = memory.isExhausted();
        boolean hurry = closed || flushesInProgress.get() > 0 || exhausted;
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> entry : batches.entrySet()) {
            TopicPartition tp = entry.getKey();
            Deque<ProducerBatch> deque = entry.getValue();
            synchronized (deque) {
                ProducerBatch first = deque.peekFirst();
                if (first == null || muted.contains(tp)) {
                    continue;
                }
                Node leader = leaderOf.apply(tp);
                if (leader == null) {
                    unknown.add(tp.topic());
                    continue;
                }
                if (ready.contains(leader)) {
                    continue;
                }
                boolean backingOff = first.attempts > 0 && nowMs < first.nextAttemptMs;
                if (backingOff) {
                    nextDelayMs = Math.min(nextDelayMs, first.nextAttemptMs - nowMs);
                    continue;
                }
                long waitedMs = nowMs - first.createdMs;
                boolean full = deque.size() > 1 || first.isFull();
                if (full || first.attempts > 0 || waitedMs >= lingerMs || hurry) {
                    ready.add(leader);
                } else {
                    nextDelayMs = Math.min(nextDelayMs, lingerMs - waitedMs);
                }
            }
        }
        return new ReadyCheckResult(ready, nextDelayMs, unknown);
    }

    /**
     * Takes, per ready node, the sendable batches of each partition it leads, oldest first, up to
     * {@code maxRequestSizeBytes} per request (one batch always goes): the first batch of a partition, then those
     * behind it that are full (the last one still filling stays, unless it has lingered or a flush or close is in
     * progress). A partition's batches travel in one request, appended in order, so several may be in flight at
     * once without reordering. The batches are closed: their bytes are final.
     */
    public Map<Node, List<ProducerBatch>> drain(Function<TopicPartition, Node> leaderOf, Set<Node> nodes,
                                                int maxRequestSizeBytes, long nowMs) {
        Map<Node, List<ProducerBatch>> out = new HashMap<>();
        Map<Node, Integer> sizes = new HashMap<>();
        boolean hurry = closed || flushesInProgress.get() > 0 || memory.isExhausted();
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> entry : batches.entrySet()) {
            TopicPartition tp = entry.getKey();
            Node leader = leaderOf.apply(tp);
            if (leader == null || !nodes.contains(leader) || muted.contains(tp)) {
                continue;
            }
            Deque<ProducerBatch> deque = entry.getValue();
            synchronized (deque) {
                ProducerBatch first = deque.peekFirst();
                if (first == null || (first.attempts > 0 && nowMs < first.nextAttemptMs)) {
                    continue;
                }
                boolean retry = first.attempts > 0; // a retried batch goes alone, as it went before
                for (ProducerBatch next = first; next != null; next = deque.peekFirst()) {
                    boolean sendable = next == first || !retry && next.attempts == 0 && (next.isFull()
                            || deque.size() > 1 || hurry || nowMs - next.createdMs >= lingerMs);
                    if (!sendable) {
                        break;
                    }
                    int size = next.close().remaining();
                    int used = sizes.getOrDefault(leader, 0);
                    if (used > 0 && used + size > maxRequestSizeBytes) {
                        break;
                    }
                    deque.pollFirst();
                    sizes.put(leader, used + size);
                    out.computeIfAbsent(leader, k -> new ArrayList<>()).add(next);
                }
            }
        }
        return out;
    }

    /** Puts a batch back at the head of its queue to be sent again after {@code retry.backoff.ms}. */
    public void reenqueue(ProducerBatch batch, long nowMs) {
        batch.nextAttemptMs = nowMs + retryBackoffMs;
        batch.retrying = true;
        Deque<ProducerBatch> deque = batches.computeIfAbsent(batch.topicPartition, k -> new ArrayDeque<>());
        synchronized (deque) {
            deque.addFirst(batch);
        }
    }

    /**
     * Removes and returns the queued batches whose {@code delivery.timeout.ms} has passed, of partitions with no
     * request in flight (a muted partition's batches wait for its answer, which comes within request.timeout.ms: its
     * earlier records complete first).
     */
    public List<ProducerBatch> expiredBatches(long nowMs) {
        List<ProducerBatch> expired = new ArrayList<>();
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> entry : batches.entrySet()) {
            if (muted.contains(entry.getKey())) {
                continue;
            }
            Deque<ProducerBatch> deque = entry.getValue();
            synchronized (deque) {
                Iterator<ProducerBatch> it = deque.iterator();
                while (it.hasNext()) {
                    ProducerBatch batch = it.next();
                    if (nowMs >= batch.deliveryDeadlineMs) {
                        it.remove();
                        expired.add(batch);
                    }
                }
            }
        }
        return expired;
    }

    /**
     * Completes or fails a batch for good and gives its buffer back for reuse: only once no request that carries it
     * can still be serialized (gRPC copies a request while {@code produce} is called).
     */
    public void deallocate(ProducerBatch batch) {
        if (incomplete.remove(batch)) {
            releaseBuffer(batch);
        }
    }

    /**
     * Gives a batch's buffer back as soon as its answer is in (the request was sent whole), before its callbacks
     * run: a callback that sends while buffer.memory is full then waits for other answers, not for itself.
     */
    public void releaseBuffer(ProducerBatch batch) {
        if (batch.releaseBuffer()) {
            memory.deallocate(batch.buffer(), batch.buffer().capacity());
        }
    }

    public void mute(TopicPartition tp) {
        muted.add(tp);
    }

    public void unmute(TopicPartition tp) {
        muted.remove(tp);
    }

    /** Whether the calling thread runs a callback of one of this accumulator's records. */
    public boolean inCallback() {
        return ProducerBatch.inCallbackOf(this);
    }

    public boolean isMuted(TopicPartition tp) {
        return muted.contains(tp);
    }

    public boolean hasUndrained() {
        for (Deque<ProducerBatch> deque : batches.values()) {
            synchronized (deque) {
                if (!deque.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    public boolean hasIncomplete() {
        return !incomplete.isEmpty();
    }

    public void beginFlush() {
        flushesInProgress.incrementAndGet();
    }

    /** Waits until every batch that existed when called is done; ends the flush begun by {@link #beginFlush()}. */
    public void awaitFlushCompletion() throws InterruptedException {
        try {
            for (ProducerBatch batch : List.copyOf(incomplete)) {
                try {
                    batch.done().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // done() never fails
                }
            }
        } finally {
            flushesInProgress.decrementAndGet();
        }
    }

    public void close() {
        closed = true;
    }

    /** Fails every batch not yet done (a forced close), in the order they were opened: send order per partition. */
    public void abortIncompleteBatches(RuntimeException cause) {
        for (Deque<ProducerBatch> deque : batches.values()) {
            synchronized (deque) {
                deque.clear();
            }
        }
        List<ProducerBatch> inOrder = new ArrayList<>(incomplete);
        inOrder.sort(java.util.Comparator.comparingLong(b -> b.sequence));
        for (ProducerBatch batch : inOrder) {
            batch.fail(cause);
            deallocate(batch);
        }
    }

    static FjordException closedException() {
        return new FjordException("the producer was closed before the record was sent");
    }
}
