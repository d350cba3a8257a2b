package io.fjord.client.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.fjord.client.FjordException;
import io.fjord.client.Node;
import io.fjord.client.TimeoutException;
import io.fjord.client.TopicPartition;
import io.fjord.proto.v1.PartitionProduceData;
import io.fjord.proto.v1.ProduceRequest;
import io.fjord.proto.v1.ProduceResponse;
import io.fjord.proto.v1.ProduceServiceGrpc;
import io.grpc.stub.StreamObserver;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The producer's I/O thread: refreshes metadata when due, takes ready batches from the accumulator, groups them per
 * leader into one {@code ProduceRequest} (raw record batches, the fast path), keeps at most
 * {@code max.in.flight.requests.per.connection} requests in flight per broker (each for different partitions: a
 * partition has at most one batch in flight, which keeps its records in order even across retries), and hands
 * answers to {@link ProduceResponseHandler}, whose completions (the records' callbacks) it runs after sending, in
 * order. It parks between rounds: woken by {@code send} (a batch filled up), by a response, or when the next linger
 * or backoff expires.
 *
 * <p>Thread-safety: {@link #run()} runs on one thread; {@link #wakeup()} and {@link #initiateClose} from any.
 */
public final class Sender implements Runnable {
    private static final System.Logger LOG = System.getLogger(Sender.class.getName());

    private final ProducerSettings settings;
    private final RecordAccumulator accumulator;
    private final Metadata metadata;
    private final ChannelPool channels;
    private final ProduceResponseHandler handler;
    private final Map<Node, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    /** Batch completions (callbacks) in the order answers decided them; run by this thread, as in Kafka. */
    private final Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private volatile Thread ioThread;
    private volatile boolean running = true;
    private volatile boolean forceClose;
    private long metadataBackoffUntilMs;

    public Sender(ProducerSettings settings, RecordAccumulator accumulator, Metadata metadata, ChannelPool channels) {
        this.settings = settings;
        this.accumulator = accumulator;
        this.metadata = metadata;
        this.channels = channels;
        this.handler = new ProduceResponseHandler(settings, accumulator, metadata, completions);
    }

    @Override
    public void run() {
        ioThread = Thread.currentThread();
        try {
            while (running) {
                runOnceLogged();
            }
            while (!forceClose && (accumulator.hasUndrained() || accumulator.hasIncomplete())) {
                runOnceLogged();
            }
        } finally {
            try {
                runCompletions();
            } finally {
                accumulator.close(); // also when an Error ends this thread: later sends are refused, not stranded
                if (accumulator.hasIncomplete()) {
                    accumulator.abortIncompleteBatches(RecordAccumulator.closedException());
                }
            }
        }
    }

    /** One round; an unexpected failure is logged and the next round goes on, so futures never hang silently. */
    private void runOnceLogged() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "unexpected error in the producer's I/O thread; continuing", e);
            awaitWakeup(Math.max(1, settings.retryBackoffMs()));
        }
    }

    void runOnce() {
        long nowMs = System.currentTimeMillis();
        // first, before anything is drained: a partition with nothing in flight had its earlier completions queued
        // before it was unmuted, so these failures queue behind them (callbacks stay in send order); and a batch past
        // delivery.timeout.ms is never sent
        for (ProducerBatch expired : accumulator.expiredBatches(nowMs)) {
            handler.failBatch(expired, new TimeoutException("expiring " + expired.recordCount() + " record(s) for "
                    + expired.topicPartition + ": " + (nowMs - expired.createdMs)
                    + " ms passed since batch creation (delivery.timeout.ms)"));
        }
        maybeRefreshMetadata(nowMs);
        ClusterSnapshot cluster = metadata.snapshot();
        RecordAccumulator.ReadyCheckResult ready = accumulator.ready(cluster::leaderFor, nowMs);
        if (!ready.unknownLeaderTopics().isEmpty()) {
            metadata.requestUpdate();
        }
        Set<Node> sendable = new HashSet<>();
        for (Node node : ready.readyNodes()) {
            if (inFlightCount(node).get() < settings.maxInFlight()) {
                sendable.add(node);
            }
        }
        Map<Node, List<ProducerBatch>> drained = accumulator.drain(cluster::leaderFor, sendable,
                settings.maxRequestSizeBytes(), nowMs);
        for (Map.Entry<Node, List<ProducerBatch>> entry : drained.entrySet()) {
            send(entry.getKey(), entry.getValue(), nowMs);
        }
        runCompletions(); // after sending: the network works meanwhile
        long waitMs = Math.min(ready.nextReadyCheckDelayMs(), metadata.timeToNextUpdateMs(nowMs));
        if (!ready.unknownLeaderTopics().isEmpty() || metadataBackoffUntilMs > nowMs) {
            waitMs = Math.min(waitMs, Math.max(1, settings.retryBackoffMs()));
        }
        if (drained.isEmpty() && sendable.size() < ready.readyNodes().size()) {
            waitMs = Math.min(waitMs, settings.requestTimeoutMs());
        }
        awaitWakeup(Math.max(0, waitMs));
    }

    private void runCompletions() {
        Runnable completion;
        while ((completion = completions.poll()) != null) {
            completion.run();
        }
    }

    private void maybeRefreshMetadata(long nowMs) {
        if (nowMs < metadataBackoffUntilMs || metadata.timeToNextUpdateMs(nowMs) > 0) {
            return;
        }
        try {
            metadata.refresh(List.of(), nowMs);
        } catch (FjordException e) {
            metadata.requestUpdate();
            metadataBackoffUntilMs = nowMs + settings.retryBackoffMs();
            LOG.log(System.Logger.Level.DEBUG, "metadata refresh failed: {0}", e.getMessage());
        }
    }

    private void send(Node node, List<ProducerBatch> batches, long nowMs) {
        ProduceRequest.Builder request = ProduceRequest.newBuilder()
                .setAcks(settings.acks())
                .setTimeoutMs(settings.requestTimeoutMs())
                .setClientId(settings.clientId());
        // a partition's batches go together, in order: separate gRPC calls are not ordered the way requests on one
        // Kafka TCP connection are, so the partition stays muted (nothing else of it in flight) until this answer
        Map<TopicPartition, List<ProducerBatch>> byPartition = new LinkedHashMap<>();
        for (ProducerBatch batch : batches) {
            batch.attempts++;
            byPartition.computeIfAbsent(batch.topicPartition, tp -> new ArrayList<>()).add(batch);
        }
        byPartition.forEach((tp, group) -> {
            accumulator.mute(tp);
            ByteString bytes = ByteString.EMPTY;
            for (ProducerBatch batch : group) {
                bytes = bytes.concat(UnsafeByteOperations.unsafeWrap(batch.close()));
            }
            request.addPartitions(PartitionProduceData.newBuilder().setTopic(tp.topic()).setPartition(tp.partition())
                    .setRecordBatches(bytes));
        });
        AtomicInteger count = inFlightCount(node);
        count.incrementAndGet();
        if (settings.acks() == 0) {
            for (ProducerBatch batch : batches) {
                batch.complete(-1, -1); // nothing to wait for; buffers and partitions are released when the call ends
            }
        }
        ProduceServiceGrpc.newStub(channels.channel(node.address()))
                .withDeadlineAfter(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                .produce(request.build(), new StreamObserver<>() {
                    @Override
                    public void onNext(ProduceResponse response) {
                        if (settings.acks() != 0) {
                            handler.handleResponse(node, byPartition, response, System.currentTimeMillis());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (settings.acks() != 0) {
                            handler.handleFailure(node, batches, t, System.currentTimeMillis());
                        }
                        done();
                    }

                    @Override
                    public void onCompleted() {
                        done();
                    }

                    private void done() {
                        if (settings.acks() == 0) {
                            // gRPC may serialize a request after produce() returns (while connecting): the batch
                            // buffers are reused only now
                            batches.forEach(accumulator::deallocate);
                            byPartition.keySet().forEach(accumulator::unmute);
                        }
                        count.decrementAndGet();
                        wakeup();
                    }
                });
    }

    private AtomicInteger inFlightCount(Node node) {
        return inFlight.computeIfAbsent(node, n -> new AtomicInteger());
    }

    /** Ends the sender's current or next wait; cheap when a wakeup is already pending (no lock, no signal). */
    public void wakeup() {
        if (!wakeupPending.getAndSet(true)) {
            Thread thread = ioThread;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }

    private void awaitWakeup(long timeoutMs) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMs, 60_000));
        while (!wakeupPending.getAndSet(false)) {
            long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0) {
                return;
            }
            LockSupport.parkNanos(this, leftNs);
            if (Thread.interrupted()) {
                forceClose = true;
                running = false;
                return;
            }
        }
    }

    /** Stops taking new work; with {@code force} also stops draining what is queued (those records fail). */
    public void initiateClose(boolean force) {
        accumulator.close();
        forceClose = force;
        running = false;
        wakeup();
    }
}
