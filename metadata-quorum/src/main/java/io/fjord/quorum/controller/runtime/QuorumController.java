package io.fjord.quorum.controller.runtime;

import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.quorum.controller.BrokerControl;
import io.fjord.quorum.controller.BrokerHeartbeats;
import io.fjord.quorum.controller.ControllerConfig;
import io.fjord.quorum.controller.ControllerResult;
import io.fjord.quorum.controller.PartitionControl;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.storage.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The controller's single-threaded event loop, on every controller node. It applies committed metadata entries to
 * the committed {@link MetadataImage} (and snapshots it every {@code snapshotIntervalBytes}). On the quorum leader,
 * once it has applied everything up to its own epoch, it is the active controller: requests become decisions over
 * the pending image (committed plus its own appended, not yet committed records); each decision's records are
 * appended as one quorum entry, applied to the pending image at once, and answered when committed (a decision that
 * appends nothing is answered once everything appended before it is committed, since it may rest on it). It fences
 * brokers whose session lapsed and, if enabled, moves leadership back to preferred replicas. Losing leadership fails
 * what is pending with {@link NotControllerException} and drops the pending image.
 *
 * <p>Thread-safety: public methods may be called from any thread; decisions run on the loop thread.
 */
public final class QuorumController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumController.class);
    private static final long FENCE_CHECK_INTERVAL_MS = 250;

    /** A decision over the pending image at a time. */
    public interface Decision<T> {
        ControllerResult<T> decide(MetadataImage pending, long nowMs);
    }

    private record Event<T>(Decision<T> decision, CompletableFuture<T> result,
                            Function<Long, Runnable> onCommit) {
    }

    private final QuorumDriver driver;
    private final ControllerConfig config;
    private final Clock clock;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final CommittedMetadata committed;
    private final Thread thread;
    private final long autoRebalanceIntervalMs;
    private volatile boolean closed;
    private BrokerHeartbeats heartbeats;
    private BrokerControl brokers;
    private MetadataImage pending;
    /** The newest append of this leadership (completed when there is none). */
    private CompletableFuture<Long> lastAppend = CompletableFuture.completedFuture(-1L);
    private int activeEpoch = -1;
    private long lastFenceCheckMs;
    private long lastRebalanceMs;

    /**
     * @param autoRebalanceIntervalMs how often to restore preferred leaders ({@code auto.leader.rebalance.enable}),
     *                                or 0 for never
     */
    public QuorumController(QuorumDriver driver, ControllerConfig config, Clock clock, long snapshotIntervalBytes,
                            long autoRebalanceIntervalMs) {
        this.driver = driver;
        this.config = config;
        this.clock = clock;
        this.autoRebalanceIntervalMs = autoRebalanceIntervalMs;
        this.committed = new CommittedMetadata(driver, snapshotIntervalBytes);
        this.thread = new Thread(this::run, "fjord-controller-" + driver.status().nodeId());
        thread.setDaemon(true);
        thread.start();
    }

    /** The committed image: what every controller agrees on. For reads. */
    public MetadataImage committedImage() {
        return committed.image();
    }

    public int producerIdBlockSize() {
        return config.producerIdBlockSize();
    }

    public boolean isActive() {
        return activeEpoch >= 0;
    }

    /** Runs {@code decision} on the active controller; the answer completes once its records are committed. */
    public <T> CompletableFuture<T> submit(Decision<T> decision) {
        return submit(decision, null);
    }

    /**
     * Registers a broker; once the registration is committed, the broker must catch up to it before it is
     * unfenced.
     */
    public CompletableFuture<BrokerControl.Registration> registerBroker(int brokerId, java.util.UUID incarnationId,
            List<io.fjord.quorum.metadata.BrokerRegistration.Endpoint> endpoints, String rack) {
        return submit((image, now) -> brokers.register(image, brokerId, incarnationId, endpoints, rack, now),
                offset -> () -> heartbeats.requireCaughtUpTo(brokerId, offset + 1));
    }

    public CompletableFuture<BrokerControl.HeartbeatAnswer> heartbeat(int brokerId, long brokerEpoch,
                                                                      long metadataOffset, boolean wantShutdown) {
        // a controlled shutdown's changes must be applied by the broker itself before it is released
        return submit((image, now) -> brokers.heartbeat(image, brokerId, brokerEpoch, metadataOffset, wantShutdown,
                now), wantShutdown ? offset -> () -> heartbeats.requireCaughtUpTo(brokerId, offset + 1) : null);
    }

    public CompletableFuture<Long> allocateProducerIds(int brokerId, long brokerEpoch) {
        return submit((image, now) -> brokers.allocateProducerIds(image, brokerId, brokerEpoch));
    }

    private <T> CompletableFuture<T> submit(Decision<T> decision, Function<Long, Runnable> onCommit) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IllegalStateException("the controller is closed"));
        } else {
            queue.add(new Event<>(decision, result, onCommit));
            if (closed) {
                drainClosed(); // closed meanwhile: the loop may never see it
            }
        }
        return result;
    }

    private void run() {
        List<Object> items = new java.util.ArrayList<>();
        RetryBackoff backoff = new RetryBackoff(10, 1000);
        long retryAtMs = Long.MIN_VALUE; // after a failure: until then the controller stays resigned and idle
        while (!closed) {
            items.clear();
            try {
                Object first = queue.poll(10, TimeUnit.MILLISECONDS);
                if (first != null) {
                    items.add(first);
                    queue.drainTo(items); // every queued heartbeat counts before sessions are checked
                }
                if (clock.nowMs() >= retryAtMs) {
                    committed.catchUp();
                    updateLeadership();
                    backoff.succeeded();
                }
            } catch (InterruptedException e) {
                failAll(items);
                return;
            } catch (Throwable t) {
                failAll(items);
                resign();
                retryAtMs = clock.nowMs() + backoff.failed();
                if (backoff.worthLogging()) { // not every one of a lasting failure
                    LOG.error("[Controller node={}] applying committed metadata failed ({} in a row; retrying in {}"
                            + " ms)", driver.status().nodeId(), backoff.failures(), backoff.delayMs(),
                            backoff.failures() == 1 ? t : t.toString());
                }
                continue;
            }
            for (Object item : items) {
                try {
                    if (item instanceof Event<?> event) {
                        handle(event);
                    } else if (item instanceof Runnable task) {
                        task.run();
                    }
                } catch (Throwable t) {
                    LOG.error("[Controller node={}] event failed", driver.status().nodeId(), t);
                    if (item instanceof Event<?> event) {
                        event.result().completeExceptionally(t);
                    }
                    resign(); // the pending image may be half-changed
                }
            }
            try {
                if (isActive()) {
                    periodic();
                }
            } catch (Throwable t) {
                LOG.error("[Controller node={}] periodic work failed", driver.status().nodeId(), t);
                resign();
            }
        }
    }

    private void failAll(List<Object> items) {
        for (Object item : items) {
            if (item instanceof Event<?> event) {
                event.result().completeExceptionally(new NotControllerException(driver.status().leaderId()));
            }
        }
    }

    private void updateLeadership() {
        QuorumDriver.Status status = driver.status();
        boolean leads = status.state().equals("Leader") && committed.lastEpoch() == status.epoch()
                && settled(lastAppend);
        if (leads && activeEpoch != status.epoch()) {
            activeEpoch = status.epoch();
            pending = committed.image();
            lastAppend = CompletableFuture.completedFuture(-1L);
            long now = clock.nowMs();
            heartbeats = BrokerHeartbeats.forNewActiveController(pending, now);
            brokers = new BrokerControl(config, heartbeats);
            lastFenceCheckMs = now;
            lastRebalanceMs = now;
            LOG.info("[Controller node={}] active controller in epoch {} at metadata offset {}", status.nodeId(),
                    activeEpoch, pending.endOffset());
        } else if (!leads && activeEpoch >= 0 && (!status.state().equals("Leader") || status.epoch() != activeEpoch)) {
            LOG.info("[Controller node={}] no longer the active controller (epoch {})", status.nodeId(), status.epoch());
            activeEpoch = -1;
            pending = null;
        }
    }

    /**
     * Whether {@code append} failed or has been applied to the committed image: only then may a (re)activation build
     * its pending image from the committed one without missing this leadership's own writes.
     */
    private boolean settled(CompletableFuture<Long> append) {
        if (!append.isDone()) {
            return false;
        }
        if (append.isCompletedExceptionally()) {
            return true;
        }
        return append.join() < committed.appliedOffset();
    }

    private <T> void handle(Event<T> event) {
        if (!isActive()) {
            event.result().completeExceptionally(new NotControllerException(driver.status().leaderId()));
            return;
        }
        ControllerResult<T> result = event.decision().decide(pending, clock.nowMs());
        append(result.records()).whenComplete((offset, failure) -> {
            if (failure != null) {
                event.result().completeExceptionally(failure.getCause() instanceof io.fjord.quorum.raft.NotLeaderException
                        ? new NotControllerException(((io.fjord.quorum.raft.NotLeaderException) failure.getCause()).leaderId())
                        : failure);
                return;
            }
            if (event.onCommit() != null && offset >= 0) {
                queue.add(event.onCommit().apply(offset));
            }
            event.result().complete(result.response());
        });
    }

    /** Appends {@code records} as one entry and applies them to the pending image; -1 at once if there are none. */
    private CompletableFuture<Long> append(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            // the answer may rest on pending records: give it once everything appended so far is committed
            return lastAppend.thenApply(offset -> -1L);
        }
        pending = pending.apply(records, pending.endOffset() + 1);
        // decided in this leadership: written in it or not at all
        CompletableFuture<Long> appended = driver.append(io.fjord.quorum.metadata.MetadataSnapshot.encode(records),
                activeEpoch);
        lastAppend = appended;
        appended.whenComplete((offset, failure) -> {
            if (failure != null) {
                queue.add((Runnable) this::resign); // the pending image may hold records that will never commit
            }
        });
        return appended.thenApply(offset -> offset);
    }

    private void resign() {
        if (activeEpoch >= 0) {
            LOG.info("[Controller node={}] an append failed: dropping the pending image", driver.status().nodeId());
            activeEpoch = -1;
            pending = null;
        }
    }

    private void periodic() {
        long now = clock.nowMs();
        if (now - lastFenceCheckMs >= FENCE_CHECK_INTERVAL_MS) {
            lastFenceCheckMs = now;
            ControllerResult<List<Integer>> fenced = brokers.fenceExpired(pending, now);
            if (!fenced.response().isEmpty()) {
                LOG.info("[Controller node={}] fencing brokers {}: no heartbeat for {} ms", driver.status().nodeId(),
                        fenced.response(), config.brokerSessionTimeoutMs());
                append(fenced.records());
            }
        }
        if (autoRebalanceIntervalMs > 0 && now - lastRebalanceMs >= autoRebalanceIntervalMs) {
            lastRebalanceMs = now;
            append(PartitionControl.electPreferredLeaders(pending).records());
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainClosed();
    }

    private void drainClosed() {
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof Event<?> event) {
                event.result().completeExceptionally(new IllegalStateException("the controller is closed"));
            }
        }
    }
}
