package io.fjord.storage.log;

import io.fjord.storage.StorageException;
import io.fjord.storage.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Opens the segments of a partition directory and recovers them after an unclean stop.
 *
 * <p>After a clean close (the {@code .clean-shutdown} marker is present) each segment is loaded as is, and only a
 * segment that fails its checks has its indexes rebuilt. Otherwise every segment at or after the recovery point
 * (everything that may not have been fsynced) is rescanned batch by batch: its indexes are rebuilt, the log is
 * truncated at the first torn, corrupt or out-of-order batch, and later segments are deleted, since they follow a
 * hole (as they also do when a recovered segment ends short of the next one's base offset: offsets are dense).
 * Damage found in fsynced data is never truncated away: loading fails with a {@link StorageException}.
 */
final class LogLoader {
    static final String CLEAN_SHUTDOWN_FILE = ".clean-shutdown";
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    private LogLoader() {
    }

    /** The loaded segments by base offset; the last one is active. Never empty. */
    static TreeMap<Long, LogSegment> load(Path dir, LogConfig config, Clock clock, long recoveryPoint,
                                          long logStartOffset, String logPrefix) {
        boolean clean = Files.exists(dir.resolve(CLEAN_SHUTDOWN_FILE));
        List<Long> baseOffsets = scanDirectory(dir);
        TreeMap<Long, LogSegment> segments = new TreeMap<>();
        long now = clock.nowMs();
        boolean hole = false;
        for (int i = 0; i < baseOffsets.size(); i++) {
            long base = baseOffsets.get(i);
            LogSegment segment = LogSegment.open(dir, base, config, now);
            if (hole || (!segments.isEmpty() && base < segments.lastEntry().getValue().nextOffset())) {
                LOG.warn("{} deleting segment {}: it follows a truncated or overlapping segment", logPrefix, base);
                segment.delete();
                hole = true;
                continue;
            }
            boolean last = i == baseOffsets.size() - 1;
            long nextBase = last ? Long.MAX_VALUE : baseOffsets.get(i + 1);
            boolean unflushed = !clean && nextBase > recoveryPoint;
            if (unflushed || !segment.loadClean()) {
                long truncated = segment.recover(recoveryPoint);
                if (truncated > 0) {
                    LOG.warn("{} recovered segment {}: truncated {} invalid bytes at its tail", logPrefix, base,
                            truncated);
                    hole = !last;
                }
                if (unflushed && !last && segment.nextOffset() != nextBase) {
                    LOG.warn("{} segment {} ends at offset {} but the next starts at {}: whole batches were lost",
                            logPrefix, base, segment.nextOffset(), nextBase);
                    hole = true;
                }
            }
            segments.put(base, segment);
        }
        if (segments.isEmpty()) {
            segments.put(logStartOffset, LogSegment.create(dir, logStartOffset, config, now));
        }
        for (LogSegment segment : segments.headMap(segments.lastKey()).values()) {
            segment.onBecomeInactive();
        }
        segments.lastEntry().getValue().onBecomeActive();
        return segments;
    }

    /** Deletes leftovers (temporary files, indexes without a log) and returns the segment base offsets, sorted. */
    private static List<Long> scanDirectory(Path dir) {
        List<Long> bases = new ArrayList<>();
        List<Path> indexes = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(LogSegment.LOG_SUFFIX)) {
                    bases.add(parseBase(file, name));
                } else if (name.endsWith(".index") || name.endsWith(".timeindex")) {
                    indexes.add(file);
                }
            }
            for (Path index : indexes) {
                String name = index.getFileName().toString();
                long base = parseBase(index, name);
                if (!bases.contains(base)) {
                    Files.deleteIfExists(index);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list partition directory " + dir, e);
        }
        bases.sort(Long::compare);
        return bases;
    }

    private static long parseBase(Path file, String name) {
        String digits = name.substring(0, name.indexOf('.'));
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new StorageException("unexpected file " + file + ": segment files are named <20-digit offset>"
                    + name.substring(name.indexOf('.')));
        }
    }
}
