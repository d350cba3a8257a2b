package io.fjord.quorum.driver;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.Message.Envelope;
import io.fjord.quorum.raft.NotLeaderException;
import io.fjord.quorum.raft.RaftNode;
import io.fjord.storage.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that owns a {@link RaftNode}: it feeds the node inbound messages and time, sends what the node
 * produces, and serves callers through futures. Appends queued together go to the log with one flush (group commit).
 * An append's future completes with its offset once committed, or fails with {@link NotLeaderException} (naming the
 * leader if known) if this node is not, or stops being, the leader first; in the second case the entry may still be
 * committed by the next leader, as with any Kafka request that times out.
 *
 * <p>Thread-safety: public methods may be called from any thread. The driver thread is never interrupted (an
 * interrupt would close the log's file channels); {@link #close} stops it through its queue.
 */
public final class QuorumDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumDriver.class);
    private static final long POLL_MS = 5;
    private static final Object STOP = new Object();

    /** What callers may see of the node without touching it: refreshed after every step. */
    public record Status(int nodeId, int epoch, int leaderId, String state, long highWatermark, long logEndOffset) {
    }

    private record Append(byte[] data, CompletableFuture<Long> result) {
    }

    private record Read(long fromOffset, int maxEntries, CompletableFuture<List<LogEntry>> result) {
    }

    private final RaftNode node;
    private final Transport transport;
    private final Clock clock;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final TreeMap<Long, CompletableFuture<Long>> awaitingCommit = new TreeMap<>();
    private final Thread thread;
    private volatile Status status;

    public QuorumDriver(RaftNode node, Transport transport, Clock clock) {
        this.node = node;
        this.transport = transport;
        this.clock = clock;
        publishStatus();
        transport.register(node.localId(), inbox::add);
        this.thread = new Thread(this::run, "fjord-quorum-" + node.localId());
        thread.start();
    }

    public CompletableFuture<Long> append(byte[] data) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        inbox.add(new Append(data, result));
        return result;
    }

    public CompletableFuture<List<LogEntry>> readCommitted(long fromOffset, int maxEntries) {
        CompletableFuture<List<LogEntry>> result = new CompletableFuture<>();
        inbox.add(new Read(fromOffset, maxEntries, result));
        return result;
    }

    public Status status() {
        return status;
    }

    private void run() {
        List<Object> batch = new ArrayList<>();
        while (true) {
            try {
                Object first = inbox.poll(POLL_MS, TimeUnit.MILLISECONDS);
                batch.clear();
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch);
                }
                if (!step(batch)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("[Quorum node={}] driver step failed; stopping", node.localId(), e);
                failAll(e);
                return;
            }
        }
    }

    /** One turn of the loop; false once stopped. */
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
            } else if (item instanceof Read read) {
                read.result().complete(node.readCommitted(read.fromOffset(), read.maxEntries()));
            }
        }
        if (!appends.isEmpty()) {
            appendAll(appends);
        }
        node.tick(now);
        for (Envelope out : node.drainOutbound()) {
            transport.send(out);
        }
        settleAppends();
        publishStatus();
        if (stop) {
            failAll(new NotLeaderException(-1, node.epoch()));
        }
        return !stop;
    }

    private void appendAll(List<Append> appends) {
        if (!node.isLeader()) {
            NotLeaderException notLeader = new NotLeaderException(node.leaderId(), node.epoch());
            appends.forEach(a -> a.result().completeExceptionally(notLeader));
            return;
        }
        List<byte[]> data = new ArrayList<>(appends.size());
        appends.forEach(a -> data.add(a.data()));
        long first = node.append(data);
        for (int i = 0; i < appends.size(); i++) {
            awaitingCommit.put(first + i, appends.get(i).result());
        }
    }

    /** Completes the appends the high watermark has passed; fails the rest if leadership was lost. */
    private void settleAppends() {
        long committedBelow = node.highWatermark();
        while (!awaitingCommit.isEmpty() && awaitingCommit.firstKey() < committedBelow) {
            Map.Entry<Long, CompletableFuture<Long>> done = awaitingCommit.pollFirstEntry();
            done.getValue().complete(done.getKey());
        }
        if (!awaitingCommit.isEmpty() && !node.isLeader()) {
            failAll(new NotLeaderException(node.leaderId(), node.epoch()));
        }
    }

    private void failAll(RuntimeException cause) {
        awaitingCommit.values().forEach(f -> f.completeExceptionally(cause));
        awaitingCommit.clear();
        for (Object item : inbox) {
            if (item instanceof Append a) {
                a.result().completeExceptionally(cause);
            } else if (item instanceof Read r) {
                r.result().completeExceptionally(cause);
            }
        }
    }

    private void publishStatus() {
        status = new Status(node.localId(), node.epoch(), node.leaderId(), node.stateName(), node.highWatermark(),
                node.log().endOffset());
    }

    /** Stops the driver thread (without interrupting it) and leaves the transport. */
    @Override
    public void close() {
        transport.unregister(node.localId());
        inbox.add(STOP);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
