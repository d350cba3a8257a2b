package io.fjord.quorum.controller.runtime;

import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.MetadataSnapshot;
import io.fjord.quorum.raft.LogEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Follows a node's committed metadata: loads the latest snapshot, applies committed entries in order, and writes a
 * snapshot of the image every {@code snapshotIntervalBytes} of applied entries. Used by controllers (and later by
 * brokers, as observers). Not thread-safe: one thread calls {@link #catchUp}; {@link #image} may be read anywhere.
 */
public final class CommittedMetadata {
    private static final Logger LOG = LoggerFactory.getLogger(CommittedMetadata.class);

    private final QuorumDriver driver;
    private final long snapshotIntervalBytes;
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile long nextOffset = -1;
    private int lastEpoch;
    private long bytesSinceSnapshot;

    public CommittedMetadata(QuorumDriver driver, long snapshotIntervalBytes) {
        this.driver = driver;
        this.snapshotIntervalBytes = snapshotIntervalBytes;
    }

    public MetadataImage image() {
        return image;
    }

    /** The log offset after the last applied entry (control entries included). */
    public long appliedOffset() {
        return Math.max(0, nextOffset);
    }

    /** Epoch of the last applied entry (control entries included): the leader's own once its epoch is committed. */
    public int lastEpoch() {
        return lastEpoch;
    }

    /** Applies what has been committed since the last call. */
    public void catchUp() throws InterruptedException {
        try {
            if (nextOffset < 0) {
                load();
            }
            while (true) {
                List<LogEntry> entries;
                try {
                    entries = driver.readCommitted(nextOffset, 1000).get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IllegalArgumentException) {
                        load(); // the log now starts past us: an installed snapshot holds the rest
                        continue;
                    }
                    throw new IllegalStateException("reading committed metadata failed", e.getCause());
                }
                if (entries.isEmpty()) {
                    break;
                }
                apply(entries);
            }
            if (bytesSinceSnapshot >= snapshotIntervalBytes) {
                driver.createSnapshot(nextOffset, MetadataSnapshot.encode(MetadataSnapshot.records(image))).get();
                bytesSinceSnapshot = 0;
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("metadata snapshot failed", e.getCause());
        }
    }

    private void apply(List<LogEntry> entries) {
        for (LogEntry e : entries) {
            if (!e.control() && e.data().length > 0) {
                image = image.apply(MetadataSnapshot.decode(e.data()), e.offset() + 1);
                bytesSinceSnapshot += e.data().length;
            }
            nextOffset = e.offset() + 1;
            lastEpoch = e.epoch();
        }
    }

    private void load() throws ExecutionException, InterruptedException {
        QuorumDriver.Snapshot snapshot = driver.latestSnapshot().get();
        if (snapshot == null) {
            image = MetadataImage.EMPTY;
            nextOffset = 0;
            lastEpoch = 0;
        } else {
            image = MetadataSnapshot.load(snapshot.data(), snapshot.id().offset());
            nextOffset = snapshot.id().offset();
            lastEpoch = snapshot.id().epoch();
            LOG.info("[Metadata node={}] loaded snapshot {}: {} brokers, {} topics", driver.status().nodeId(),
                    snapshot.id(), image.brokers().size(), image.topics().size());
        }
        bytesSinceSnapshot = 0;
    }
}
