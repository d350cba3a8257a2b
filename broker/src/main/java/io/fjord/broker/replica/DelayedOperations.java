package io.fjord.broker.replica;

import io.fjord.storage.log.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The purgatory: operations waiting for something to happen to partitions (Kafka's {@code DelayedOperationPurgatory}),
 * keyed by partition. Waiting acks=all produces complete when the HW passes their last offset, long-poll fetches
 * when enough data is readable; whoever changes a partition (an append, an HW move, a leadership change) calls
 * {@link #checkAndComplete}, and one timer thread expires what waited too long. Nothing polls.
 *
 * <p>Each operation completes exactly once, with {@code timedOut} false when its condition held, true when its time
 * ran out (or the purgatory closed). Completion runs on the thread that noticed it: a request thread, the metadata
 * thread or the timer thread, so it must be short and must not block. Thread-safe.
 */
public final class DelayedOperations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedOperations.class);

    /** A waiting operation. */
    private static final class Operation {
        final Collection<TopicPartition> keys;
        final BooleanSupplier ready;
        final Consumer<Boolean> complete;
        final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timer;

        Operation(Collection<TopicPartition> keys, BooleanSupplier ready, Consumer<Boolean> complete) {
            this.keys = List.copyOf(keys);
            this.ready = ready;
            this.complete = complete;
        }
    }

    private final Map<TopicPartition, Set<Operation>> watchers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    public DelayedOperations(String name) {
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "fjord-purgatory-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Completes the operation now if {@code ready} holds, otherwise watches {@code keys} until it does or
     * {@code timeoutMs} passes.
     *
     * @param ready    whether the operation can complete; may throw, which completes it (not timed out) so that
     *                 {@code complete} can find the error again
     * @param complete called once with {@code timedOut}
     */
    public void watch(Collection<TopicPartition> keys, long timeoutMs, BooleanSupplier ready,
                      Consumer<Boolean> complete) {
        Operation op = new Operation(keys, ready, complete);
        if (tryComplete(op)) {
            return;
        }
        for (TopicPartition key : op.keys) {
            watchers.compute(key, (k, set) -> {
                Set<Operation> ops = set == null ? ConcurrentHashMap.newKeySet() : set;
                ops.add(op); // inside compute: a concurrent removal of the emptied set cannot lose it
                return ops;
            });
        }
        if (closed) {
            finish(op, true);
            return;
        }
        try {
            op.timer = timer.schedule(() -> finish(op, true), Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            finish(op, true);
            return;
        }
        tryComplete(op); // what changed between the first check and the watch
    }

    /** Runs {@code task} on the timer thread every {@code intervalMs} until {@link #close}; it must be short. */
    public void scheduleEvery(long intervalMs, Runnable task) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("a periodic task failed", e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} once on the timer thread after {@code delayMs}; false if the purgatory is closed. */
    public boolean schedule(long delayMs, Runnable task) {
        try {
            timer.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Re-checks the operations waiting on {@code key}; returns how many completed. */
    public int checkAndComplete(TopicPartition key) {
        Set<Operation> ops = watchers.get(key);
        if (ops == null || ops.isEmpty()) {
            return 0;
        }
        int completed = 0;
        for (Operation op : List.copyOf(ops)) {
            if (tryComplete(op)) {
                completed++;
            }
        }
        return completed;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Operations waiting on {@code key}. */
    public int watching(TopicPartition key) {
        Set<Operation> ops = watchers.get(key);
        return ops == null ? 0 : ops.size();
    }

    private boolean tryComplete(Operation op) {
        if (op.done.get()) {
            return false;
        }
        boolean ready;
        try {
            ready = op.ready.getAsBoolean();
        } catch (RuntimeException e) {
            ready = true;
        }
        return ready && finish(op, false);
    }

    private boolean finish(Operation op, boolean timedOut) {
        if (!op.done.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> t = op.timer;
        if (t != null) {
            t.cancel(false);
        }
        for (TopicPartition key : op.keys) {
            watchers.computeIfPresent(key, (k, set) -> {
                set.remove(op);
                return set.isEmpty() ? null : set;
            });
        }
        try {
            op.complete.accept(timedOut);
        } catch (RuntimeException e) {
            LOG.error("a delayed operation on {} failed to complete", op.keys, e);
        }
        return true;
    }

    /** Completes every waiting operation as timed out and stops the timer. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        try {
            // a periodic task (the HW checkpoint) may still run: the caller writes the last one after this returns
            timer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Set<Operation> ops : List.copyOf(watchers.values())) {
            for (Operation op : List.copyOf(ops)) {
                finish(op, true);
            }
        }
    }
}
