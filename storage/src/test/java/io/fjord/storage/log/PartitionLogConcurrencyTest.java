package io.fjord.storage.log;

import io.fjord.proto.record.Record;
import io.fjord.storage.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lock-free readers against a writer that appends, rolls small segments and fills indexes, while another thread
 * flushes rolled segments in the background. Every record's value names its own offset, so a reader that ever sees
 * a half-published batch, a stale index entry or a wrong position reports it.
 */
class PartitionLogConcurrencyTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    @Test
    void readersNeverSeeWrongOrPartialDataWhileTheLogGrows() throws Exception {
        LogConfig config = LogConfig.defaults().withOverrides(Map.of(
                "segment.bytes", "4000", "index.interval.bytes", "64", "segment.index.bytes", "120"));
        ManualClock clock = new ManualClock(T0);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        try (PartitionLog log = PartitionLog.open(tmp.resolve("t-0"), config, clock)) {
            Thread writer = new Thread(() -> {
                try {
                    long next = 0;
                    while (next < 20_000) {
                        int count = 1 + (int) (next % 5);
                        String[] values = new String[count];
                        for (int i = 0; i < count; i++) {
                            values[i] = "offset-" + (next + i);
                        }
                        next = log.appendAsLeader(Batches.of(T0, values), 0).lastOffset() + 1;
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    done.set(true);
                }
            });
            Runnable reader = () -> {
                try {
                    while (!done.get()) {
                        long end = log.logEndOffset();
                        if (end == 0) {
                            continue;
                        }
                        long from = ThreadLocalRandom.current().nextLong(end);
                        List<Record> records = Batches.records(log.read(from, 2000, end, true).records());
                        assertTrue(!records.isEmpty(), "no data at " + from + " below the log end " + end);
                        assertTrue(records.get(0).offset() <= from, "first batch must contain " + from);
                        for (Record r : records) {
                            assertEquals("offset-" + r.offset(), new String(r.value(), StandardCharsets.UTF_8));
                            assertTrue(r.offset() < end, "read past the published end");
                        }
                        reads.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            };
            Thread flusher = new Thread(() -> {
                try {
                    while (!done.get()) {
                        log.maybeFlush(clock.nowMs());
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            Thread r1 = new Thread(reader);
            Thread r2 = new Thread(reader);
            for (Thread t : List.of(writer, r1, r2, flusher)) {
                t.start();
            }
            for (Thread t : List.of(writer, r1, r2, flusher)) {
                t.join(120_000);
            }
            assertTrue(failures.isEmpty(), () -> "concurrent failure: " + failures.peek());
            assertTrue(reads.get() > 100, "readers ran concurrently: " + reads.get() + " reads");
            assertTrue(log.numberOfSegments() > 10, "the writer rolled segments while readers read");
            assertTrue(log.recoveryPoint() > 0, "the flusher advanced the recovery point concurrently");
            assertEquals(20_000, Batches.readValues(log, 0).size());
        }
    }
}
