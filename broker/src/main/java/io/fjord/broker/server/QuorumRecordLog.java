package io.fjord.broker.server;

import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.OffsetAndEpoch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The controller-only node's state machine until the cluster-metadata controller exists: the committed records
 * themselves, kept in memory in offset order. It applies what the quorum commits, and every
 * {@code snapshotIntervalBytes} of records writes a snapshot holding all of them (so a replica that installs it can
 * still answer reads from offset 0, and a test can check every committed record on every node). Layout of the
 * snapshot: per record {@code offset int64, epoch int32, length int32, value}.
 *
 * <p>Thread-safety: one applier thread writes; {@link #read} may be called from any thread.
 */
final class QuorumRecordLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumRecordLog.class);

    private final QuorumDriver driver;
    private final long snapshotIntervalBytes;
    private final List<LogEntry> records = new ArrayList<>();
    private final Thread applier;
    private volatile boolean closed;
    private long nextOffset = -1;
    private long bytesSinceSnapshot;

    QuorumRecordLog(QuorumDriver driver, long snapshotIntervalBytes, int nodeId) {
        this.driver = driver;
        this.snapshotIntervalBytes = snapshotIntervalBytes;
        this.applier = new Thread(this::run, "fjord-quorum-records-" + nodeId);
        applier.setDaemon(true);
        applier.start();
    }

    /** Committed records from {@code fromOffset}, at most {@code max}. */
    synchronized List<LogEntry> read(long fromOffset, int max) {
        int lo = 0;
        int hi = records.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (records.get(mid).offset() < fromOffset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return List.copyOf(records.subList(lo, Math.min(records.size(), lo + max)));
    }

    private void run() {
        while (!closed) {
            try {
                if (nextOffset < 0) {
                    load();
                }
                List<LogEntry> entries;
                try {
                    entries = driver.readCommitted(nextOffset, 1000).get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IllegalArgumentException) {
                        nextOffset = -1; // the log now starts past us: an installed snapshot holds the rest
                        continue;
                    }
                    throw e;
                }
                if (entries.isEmpty()) {
                    driver.awaitHighWatermarkAbove(nextOffset, 100);
                    continue;
                }
                apply(entries);
                if (bytesSinceSnapshot >= snapshotIntervalBytes) {
                    OffsetAndEpoch id = driver.createSnapshot(nextOffset, encode()).get();
                    LOG.info("[Quorum node={}] snapshot {} written ({} records)", driver.status().nodeId(), id,
                            records.size());
                    bytesSinceSnapshot = 0;
                }
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("[Quorum node={}] applying committed records failed; retrying",
                            driver.status().nodeId(), e);
                    sleepQuietly();
                }
            }
        }
    }

    private synchronized void apply(List<LogEntry> entries) {
        for (LogEntry e : entries) {
            if (!e.control()) {
                records.add(e);
                bytesSinceSnapshot += e.data().length;
            }
            nextOffset = e.offset() + 1;
        }
    }

    private synchronized void load() throws ExecutionException, InterruptedException {
        QuorumDriver.Snapshot snapshot = driver.latestSnapshot().get();
        records.clear();
        if (snapshot == null) {
            nextOffset = 0;
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(snapshot.data());
        while (in.hasRemaining()) {
            long offset = in.getLong();
            int epoch = in.getInt();
            byte[] value = new byte[in.getInt()];
            in.get(value);
            records.add(new LogEntry(offset, epoch, false, value));
        }
        nextOffset = snapshot.id().offset();
        bytesSinceSnapshot = 0;
        LOG.info("[Quorum node={}] loaded snapshot {} ({} records)", driver.status().nodeId(), snapshot.id(),
                records.size());
    }

    private synchronized byte[] encode() {
        int size = 0;
        for (LogEntry e : records) {
            size += 16 + e.data().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (LogEntry e : records) {
            out.putLong(e.offset()).putInt(e.epoch()).putInt(e.data().length).put(e.data());
        }
        return out.array();
    }

    private void sleepQuietly() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        applier.interrupt(); // it only waits on futures and the driver's monitor, never on file I/O
        try {
            applier.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
