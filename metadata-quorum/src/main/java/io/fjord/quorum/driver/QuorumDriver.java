package io.fjord.quorum.driver;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.Message.Envelope;
import io.fjord.quorum.raft.NotLeaderException;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.raft.RaftNode;
import io.fjord.storage.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one thread that owns a {@link RaftNode}: it feeds the node inbound messages and time (from a monotonic
 * clock), sends what the node produces, and serves callers through futures. Appends queued together go to the log
 * with one flush (group commit).
 *
 * <p>An append's future completes with its offset once committed. It fails with {@link NotLeaderException} (naming
 * the leader if known) if this node is not, or stops being, the leader first; in that case the entry may still be
 * committed by the next leader, as with any Kafka request that times out. If the node fails (an I/O error), every
 * pending and later call fails with the cause and {@link Status#state()} reads {@code Failed}; after {@link #close}
 * it reads {@code Closed} and calls fail with an {@link IllegalStateException}.
 *
 * <p>Thread-safety: public methods may be called from any thread. Futures are completed on a separate executor,
 * never on the driver thread, so callbacks cannot stall the quorum. The driver thread is never interrupted (an
 * interrupt would close the log's file channels); {@link #close} stops it through its queue.
 */
public final class QuorumDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumDriver.class);
    private static final long POLL_MS = 5;
    private static final Object STOP = new Object();

    /**
     * What callers may see of the node without touching it, refreshed after every step: the quorum's management
     * view. {@code replicaLag} (entries behind the leader's log end, by replica id, voters and observers) is filled
     * on the leader only.
     */
    public record Status(int nodeId, int epoch, int leaderId, String state, long highWatermark, long logEndOffset,
                         java.util.SortedMap<Integer, Long> replicaLag) {
    }

    /** {@code expectedEpoch}: the leader epoch the entry was decided in, or {@link #ANY_EPOCH}. */
    private record Append(byte[] data, int expectedEpoch, CompletableFuture<Long> result) {
    }

    /** For {@link #append(byte[], int)}: append in whatever epoch this node leads. */
    public static final int ANY_EPOCH = -1;

    /** Work on the node, run on the driver thread between steps. */
    private record Call<T>(java.util.function.Function<RaftNode, T> work, CompletableFuture<T> result) {
    }

    /** A snapshot: its id (end offset and epoch) and the state machine's image. */
    public record Snapshot(OffsetAndEpoch id, byte[] data) {
    }

    private final RaftNode node;
    private final Transport transport;
    private final Clock clock;
    private final Executor completions = ForkJoinPool.commonPool();
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final Consumer<Envelope> inboxWriter = inbox::add;
    private final TreeMap<Long, CompletableFuture<Long>> awaitingCommit = new TreeMap<>();
    private final Thread thread;
    private volatile Status status;
    private final Object statusMonitor = new Object();
    private volatile RuntimeException stopped;

    /** @param clock a monotonic clock ({@link Clock#MONOTONIC}): the node's timers run on it */
    public QuorumDriver(RaftNode node, Transport transport, Clock clock) {
        this.node = node;
        this.transport = transport;
        this.clock = clock;
        publishStatus(node.stateName());
        transport.register(node.localId(), inboxWriter);
        this.thread = new Thread(this::run, "fjord-quorum-" + node.localId());
        thread.start();
    }

    /** Appends {@code data} (copied) if this node leads; see the class comment for how the future completes. */
    public CompletableFuture<Long> append(byte[] data) {
        return append(data, ANY_EPOCH);
    }

    /**
     * Appends {@code data} only if this node still leads in {@code expectedEpoch}, the epoch in which it was decided
     * (Kafka's {@code scheduleAtomicAppend(epoch, ...)}): a state machine's decision over its view in one leadership
     * must never be written in a later one. Otherwise fails with {@link NotLeaderException}.
     */
    public CompletableFuture<Long> append(byte[] data, int expectedEpoch) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        enqueue(new Append(data.clone(), expectedEpoch, result), result);
        return result;
    }

    /**
     * Committed entries from {@code fromOffset}, at most {@code maxEntries} (none until more are committed). Fails
     * with an IllegalArgumentException if {@code fromOffset} is below the log start: load {@link #latestSnapshot}.
     */
    public CompletableFuture<List<LogEntry>> readCommitted(long fromOffset, int maxEntries) {
        return call(node -> node.readCommitted(fromOffset, maxEntries));
    }

    /**
     * Stores {@code data}, the state machine's image of every entry below {@code endOffset}, as a snapshot; see
     * {@link RaftNode#createSnapshot}.
     */
    public CompletableFuture<OffsetAndEpoch> createSnapshot(long endOffset, byte[] data) {
        byte[] copy = data.clone();
        return call(node -> node.createSnapshot(endOffset, copy));
    }

    /** The newest snapshot, or null: a state machine starts from it, then reads committed entries after it. */
    public CompletableFuture<Snapshot> latestSnapshot() {
        return call(node -> {
            OffsetAndEpoch id = node.latestSnapshotId();
            return id == null ? null : new Snapshot(id, node.readSnapshot(id));
        });
    }

    /** Graceful hand-over if this node leads: it stops taking appends and asks the voters to elect now. */
    public CompletableFuture<Void> resign() {
        return call(node -> {
            node.resign(clock.nowMs());
            return null;
        });
    }

    private <T> CompletableFuture<T> call(java.util.function.Function<RaftNode, T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        enqueue(new Call<>(work, result), result);
        return result;
    }

    private void enqueue(Object request, CompletableFuture<?> result) {
        RuntimeException cause = stopped;
        if (cause != null) {
            result.completeExceptionally(cause);
            return;
        }
        inbox.add(request);
        if (stopped != null) {
            drainFailing(stopped); // stopped meanwhile: the driver thread may not see this request
        }
    }

    public Status status() {
        return status;
    }

    private void run() {
        List<Object> batch = new ArrayList<>();
        try {
            while (true) {
                Object first = inbox.poll(POLL_MS, TimeUnit.MILLISECONDS);
                batch.clear();
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch);
                }
                if (!step(batch)) {
                    finish(new IllegalStateException("the quorum driver of node " + node.localId() + " is closed"),
                            "Closed", List.of());
                    return;
                }
            }
        } catch (Throwable t) {
            LOG.error("[Quorum node={}] failed; the driver stops", node.localId(), t);
            RuntimeException cause = t instanceof RuntimeException r ? r : new IllegalStateException(t);
            finish(cause, "Failed", batch);
        }
    }

    /** One turn of the loop; false once asked to stop. */
    private boolean step(List<Object> batch) {
        long now = clock.nowMs();
        List<Append> appends = new ArrayList<>();
        boolean stop = false;
        for (Object item : batch) {
            if (item == STOP) {
                stop = true;
            } else if (item instanceof Envelope envelope) {
                node.handle(envelope, now);
            } else if (item instanceof Append append) {
                appends.add(append);
            } else if (item instanceof Call<?> call) {
                serve(call);
            }
        }
        if (stop) {
            return false; // appends in the same batch are refused, not written
        }
        if (!appends.isEmpty()) {
            appendAll(appends);
        }
        node.tick(now);
        for (Envelope out : node.drainOutbound()) {
            transport.send(out);
        }
        settleAppends();
        publishStatus(node.stateName());
        return true;
    }

    private <T> void serve(Call<T> call) {
        try {
            T value = call.work().apply(node);
            completions.execute(() -> call.result().complete(value));
        } catch (IllegalArgumentException e) {
            completions.execute(() -> call.result().completeExceptionally(e)); // a bad request fails alone
        }
    }

    private void appendAll(List<Append> appends) {
        NotLeaderException notLeader = new NotLeaderException(node.leaderId(), node.epoch());
        List<Append> accepted = new ArrayList<>(appends.size());
        for (Append a : appends) {
            if (node.isLeader() && (a.expectedEpoch() == ANY_EPOCH || a.expectedEpoch() == node.epoch())) {
                accepted.add(a);
            } else {
                fail(a.result(), notLeader);
            }
        }
        if (accepted.isEmpty()) {
            return;
        }
        List<byte[]> data = new ArrayList<>(accepted.size());
        accepted.forEach(a -> data.add(a.data()));
        long first = node.append(data);
        for (int i = 0; i < accepted.size(); i++) {
            awaitingCommit.put(first + i, accepted.get(i).result());
        }
    }

    /** Completes the appends the high watermark has passed; fails the rest if leadership was lost. */
    private void settleAppends() {
        long committedBelow = node.highWatermark();
        while (!awaitingCommit.isEmpty() && awaitingCommit.firstKey() < committedBelow) {
            Map.Entry<Long, CompletableFuture<Long>> done = awaitingCommit.pollFirstEntry();
            completions.execute(() -> done.getValue().complete(done.getKey()));
        }
        if (!awaitingCommit.isEmpty() && !node.isLeader()) {
            NotLeaderException notLeader = new NotLeaderException(node.leaderId(), node.epoch());
            awaitingCommit.values().forEach(f -> fail(f, notLeader));
            awaitingCommit.clear();
        }
    }

    /** The driver is done: fail everything still waiting, now and later, and leave the transport. */
    private void finish(RuntimeException cause, String finalState, List<Object> unfinished) {
        stopped = cause;
        transport.unregister(node.localId(), inboxWriter);
        awaitingCommit.values().forEach(f -> fail(f, cause));
        awaitingCommit.clear();
        for (Object item : unfinished) {
            failRequest(item, cause);
        }
        drainFailing(cause);
        publishStatus(finalState);
    }

    private void drainFailing(RuntimeException cause) {
        Object item;
        while ((item = inbox.poll()) != null) {
            failRequest(item, cause);
        }
    }

    private void failRequest(Object item, RuntimeException cause) {
        if (item instanceof Append a) {
            fail(a.result(), cause);
        } else if (item instanceof Call<?> c) {
            fail(c.result(), cause);
        }
    }

    private void fail(CompletableFuture<?> future, RuntimeException cause) {
        completions.execute(() -> future.completeExceptionally(cause));
    }

    /**
     * Waits until this node's high watermark is above {@code offset}, the driver stops, or {@code timeoutMs} passes;
     * returns the high watermark then. For appliers of committed entries.
     */
    public long awaitHighWatermarkAbove(long offset, long timeoutMs) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (statusMonitor) {
            while (status.highWatermark() <= offset && stopped == null) {
                long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(statusMonitor, leftNs);
            }
            return status.highWatermark();
        }
    }

    private void publishStatus(String state) {
        long previousHighWatermark = status == null ? -1 : status.highWatermark();
        publishStatusValue(state);
        if (status.highWatermark() != previousHighWatermark || stopped != null) {
            synchronized (statusMonitor) {
                statusMonitor.notifyAll();
            }
        }
    }

    private void publishStatusValue(String state) {
        status = new Status(node.localId(), node.epoch(), node.leaderId(), state, node.highWatermark(),
                node.log().endOffset(), java.util.Collections.unmodifiableSortedMap(node.replicaLag()));
    }

    /**
     * Stops the driver thread (without interrupting it) and leaves the transport; waits for the thread, so the
     * log may be closed afterwards.
     *
     * @throws IllegalStateException if called from the driver thread, or the thread does not stop within 30 s
     */
    @Override
    public void close() {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("a quorum driver cannot close itself from its own thread");
        }
        inbox.add(STOP);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("quorum driver " + node.localId() + " did not stop within 30 s");
        }
    }
}
