package io.fjord.broker.server;

import io.fjord.quorum.controller.runtime.CommittedMetadata;
import io.fjord.quorum.controller.runtime.RetryBackoff;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.metadata.LeadershipChange;
import io.fjord.quorum.metadata.MetadataImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A broker's view of the cluster metadata: follows the committed metadata log (the broker is a quorum observer),
 * keeps the {@link MetadataImage}, and tells listeners what changed for this broker (became leader or follower of a
 * partition at a leader epoch, or stopped being a replica). One thread; listeners run on it, in log order.
 */
final class BrokerMetadataPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerMetadataPublisher.class);

    /** Receives every new image and this broker's changes in it. */
    interface Listener {
        void onMetadata(MetadataImage image, List<LeadershipChange> changes);
    }

    private final int brokerId;
    private final QuorumDriver driver;
    private final CommittedMetadata metadata;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    /** The image listeners have been given; waiters wait on {@link #publishedChanged}. */
    private volatile MetadataImage published = MetadataImage.EMPTY;
    private final Object publishedChanged = new Object();
    /** Counted down by {@link #close()}; the thread's waits after a failure end on it. */
    private final CountDownLatch closing = new CountDownLatch(1);

    /** @param initialListeners given every image from the first on (the thread starts once they are in place) */
    BrokerMetadataPublisher(int brokerId, QuorumDriver driver, long snapshotIntervalBytes,
                            List<Listener> initialListeners) {
        this.brokerId = brokerId;
        this.driver = driver;
        this.metadata = new CommittedMetadata(driver, snapshotIntervalBytes);
        listeners.add((image, changes) -> changes.forEach(c -> LOG.info("[Broker {}] {}-{}: {} in leader epoch {}"
                + " (leader {}, ISR {})", brokerId, c.topic(), c.partition(), describe(c.role()), c.leaderEpoch(),
                c.leaderId(), c.registration().isr())));
        this.listeners.addAll(initialListeners);
        this.thread = new Thread(this::run, "fjord-broker-metadata-" + brokerId);
        thread.setDaemon(true);
        thread.start();
    }

    private static String describe(LeadershipChange.Role role) {
        return role == LeadershipChange.Role.LEADER ? "leader" : role == LeadershipChange.Role.FOLLOWER
                ? "follower" : "no longer a replica";
    }

    /** The latest image whose changes every listener has been given. */
    MetadataImage image() {
        return published;
    }

    /**
     * Waits until the published image satisfies {@code until} or {@code timeoutMs} passed; returns the latest
     * published image either way.
     */
    MetadataImage awaitImage(Predicate<MetadataImage> until, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (publishedChanged) {
            while (!until.test(published)) {
                long leftNs = deadline - System.nanoTime();
                if (leftNs <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(publishedChanged, leftNs);
            }
            return published;
        }
    }

    /** The metadata log offset this broker has applied up to (what its heartbeats report). */
    long appliedOffset() {
        return metadata.appliedOffset();
    }

    private void run() {
        MetadataImage last = MetadataImage.EMPTY;
        RetryBackoff backoff = new RetryBackoff(100, 1000);
        while (closing.getCount() > 0) {
            try {
                metadata.catchUp();
                backoff.succeeded();
                MetadataImage now = metadata.image();
                if (now != last) {
                    List<LeadershipChange> changes = LeadershipChange.between(last, now, brokerId);
                    last = now;
                    for (Listener listener : listeners) {
                        try {
                            listener.onMetadata(now, changes);
                        } catch (RuntimeException e) {
                            LOG.error("[Broker {}] a metadata listener failed at offset {}", brokerId,
                                    now.endOffset(), e);
                        }
                    }
                    synchronized (publishedChanged) {
                        published = now;
                        publishedChanged.notifyAll();
                    }
                }
                driver.awaitHighWatermarkAbove(driver.status().highWatermark(), 100);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                long waitMs = backoff.failed();
                if (backoff.worthLogging()) { // not every one of a lasting failure
                    LOG.warn("[Broker {}] applying metadata failed ({} in a row; retrying in {} ms)", brokerId,
                            backoff.failures(), waitMs, backoff.failures() == 1 ? e : e.toString());
                }
                try {
                    closing.await(waitMs, TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Stops the thread by flag, never by interrupt: listeners may be doing file I/O. */
    @Override
    public void close() {
        closing.countDown();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
