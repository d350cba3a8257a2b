package io.fjord.storage.manager;

import io.fjord.storage.StorageException;
import io.fjord.storage.StorageFiles;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.log.TopicPartition;
import io.fjord.storage.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The partition logs of one node across its log directories ({@code log.dirs}). At start it checks each
 * directory (exists or can be created, is writable) and loads every {@code <topic>-<partition>} directory in it.
 * A directory it cannot use is reported offline with the reason and the rest keep serving; if none is usable,
 * start fails. A partition that fails to load (say, damaged fsynced data) is reported offline with the reason and
 * the others load. Each log gets its topic's config from {@code topicConfigs}. New partitions go to the usable
 * directory holding the fewest. Deletions interrupted by a crash ({@code *-delete} directories) are finished.
 * Directories with reserved names ({@link TopicPartition#RESERVED_PREFIX}, the metadata log
 * {@code __cluster_metadata-0} in combined mode) are left alone.
 *
 * <p>Background work (retention, flushing rolled segments, time-based flush) is one pass of
 * {@link #runMaintenance}, a plain method taking {@code nowMs} that tests call directly;
 * {@link #startBackgroundMaintenance} runs it on one daemon thread every {@code log.retention.check.interval.ms},
 * with time from the injected clock. Thread-safe.
 */
public final class LogManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    private final List<Path> logDirs;
    private final Function<String, LogConfig> topicConfigs;
    private final Clock clock;
    private final Map<Path, String> offlineDirs = new ConcurrentHashMap<>();
    private final Map<TopicPartition, String> offlinePartitions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Path> placement = new ConcurrentHashMap<>();
    private ScheduledExecutorService maintenance;

    /** @param topicConfigs the log config of each topic: defaults with the topic's overrides applied */
    public LogManager(List<Path> logDirs, Function<String, LogConfig> topicConfigs, Clock clock) {
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("log.dirs must name at least one directory");
        }
        this.logDirs = List.copyOf(logDirs);
        this.topicConfigs = topicConfigs;
        this.clock = clock;
        startup();
    }

    private void startup() {
        for (Path dir : logDirs) {
            String problem = checkUsable(dir);
            if (problem != null) {
                offlineDirs.put(dir, problem);
                LOG.error("log directory {} is offline: {}", dir, problem);
                continue;
            }
            loadDirectory(dir);
        }
        if (offlineDirs.size() == logDirs.size()) {
            throw new StorageException("no usable log directory: " + offlineDirs);
        }
        LOG.info("loaded {} partition logs from {} log directories ({} offline)", logs.size(), logDirs.size(),
                offlineDirs.size());
    }

    private static String checkUsable(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return "cannot create it: " + e;
        }
        if (!Files.isDirectory(dir)) {
            return "it is not a directory";
        }
        Path probe = dir.resolve(".fjord-write-check");
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            return "it is not writable: " + e;
        }
        return null;
    }

    private void loadDirectory(Path dir) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (name.endsWith(PartitionLog.DELETED_SUFFIX)) {
                    StorageFiles.deleteRecursively(child);
                    LOG.info("finished deleting {}", child);
                    continue;
                }
                if (name.startsWith(TopicPartition.RESERVED_PREFIX)) {
                    continue; // the metadata Raft log (combined mode): the quorum owns it, not this manager
                }
                Optional<TopicPartition> tp = TopicPartition.fromDirName(name);
                if (tp.isEmpty()) {
                    continue;
                }
                if (logs.containsKey(tp.get())) {
                    throw new StorageException("partition " + tp.get() + " exists in two log directories: "
                            + placement.get(tp.get()) + " and " + dir);
                }
                placement.put(tp.get(), dir);
                try {
                    logs.put(tp.get(), PartitionLog.open(child, topicConfigs.apply(tp.get().topic()), clock));
                } catch (RuntimeException e) {
                    offlinePartitions.put(tp.get(), String.valueOf(e.getMessage()));
                    LOG.error("partition {} in {} is offline: {}", tp.get(), dir, e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            offlineDirs.put(dir, "cannot list it: " + e);
            LOG.error("log directory {} is offline: cannot list it", dir, e);
        }
    }

    public Optional<PartitionLog> getLog(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    /**
     * The log of {@code tp}, created in the least-loaded usable directory if it does not exist.
     *
     * @throws StorageException if the partition is offline
     */
    public PartitionLog getOrCreateLog(TopicPartition tp) {
        String offline = offlinePartitions.get(tp);
        if (offline != null) {
            throw new StorageException("partition " + tp + " is offline: " + offline);
        }
        return logs.computeIfAbsent(tp, key -> {
            Path dir = chooseDirectory();
            PartitionLog log = PartitionLog.open(dir.resolve(key.dirName()), topicConfigs.apply(key.topic()), clock);
            placement.put(key, dir);
            LOG.info("created log for partition {} in {}", key, dir);
            return log;
        });
    }

    private Path chooseDirectory() {
        Map<Path, Integer> counts = new LinkedHashMap<>();
        for (Path dir : logDirs) {
            if (!offlineDirs.containsKey(dir)) {
                counts.put(dir, 0);
            }
        }
        for (Path dir : placement.values()) {
            counts.computeIfPresent(dir, (d, n) -> n + 1);
        }
        return counts.entrySet().stream().min(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElseThrow(() -> new StorageException("no usable log directory: " + offlineDirs));
    }

    /** Removes the partition's log and its files. Returns false if there was none. */
    public boolean deleteLog(TopicPartition tp) {
        PartitionLog log = logs.remove(tp);
        if (log == null) {
            return false;
        }
        placement.remove(tp);
        log.delete();
        return true;
    }

    public Collection<PartitionLog> allLogs() {
        return List.copyOf(logs.values());
    }

    public Map<TopicPartition, Path> placement() {
        return Map.copyOf(placement);
    }

    /** Partitions that could not be loaded or went offline since (an I/O error), with the reason. */
    public Map<TopicPartition, String> offlinePartitions() {
        Map<TopicPartition, String> all = new java.util.HashMap<>(offlinePartitions);
        logs.forEach((tp, log) -> {
            if (log.offlineReason() != null) {
                all.put(tp, log.offlineReason());
            }
        });
        return Map.copyOf(all);
    }

    /** Directories that could not be used, with the reason. */
    public Map<Path, String> offlineDirs() {
        return Map.copyOf(offlineDirs);
    }

    /**
     * One maintenance pass: retention on every log, bounded by {@code retentionBound} (the high watermark of each
     * partition), then time-based flushes. Returns the number of segments deleted.
     */
    public int runMaintenance(long nowMs, ToLongFunction<TopicPartition> retentionBound) {
        int deleted = 0;
        for (Map.Entry<TopicPartition, PartitionLog> e : logs.entrySet()) {
            PartitionLog log = e.getValue();
            if (log.offlineReason() != null) {
                continue;
            }
            try {
                deleted += log.deleteOldSegments(nowMs, retentionBound.applyAsLong(e.getKey()));
                log.maybeFlush(nowMs);
            } catch (RuntimeException ex) {
                // offline, or closed or deleted meanwhile: the other partitions still get their pass
                LOG.error("maintenance of {} failed: {}", e.getKey(), ex.getMessage());
            }
        }
        return deleted;
    }

    /**
     * Runs {@link #runMaintenance} every {@code intervalMs} on a daemon thread until {@link #close}.
     *
     * @param retentionBound the high watermark of each partition: retention never deletes at or above it
     */
    public synchronized void startBackgroundMaintenance(long intervalMs, ToLongFunction<TopicPartition> retentionBound) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("log.retention.check.interval.ms must be > 0, got " + intervalMs);
        }
        if (maintenance != null) {
            throw new IllegalStateException("background maintenance already started");
        }
        maintenance = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "fjord-log-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        maintenance.scheduleWithFixedDelay(() -> {
            try {
                runMaintenance(clock.nowMs(), retentionBound);
            } catch (RuntimeException e) {
                LOG.error("log maintenance pass failed", e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Stops background maintenance, then closes every log cleanly, so the next start skips recovery. */
    @Override
    public void close() {
        boolean interrupted = false;
        synchronized (this) {
            if (maintenance != null) {
                maintenance.shutdown();
                try {
                    if (!maintenance.awaitTermination(30, TimeUnit.SECONDS)) {
                        LOG.warn("log maintenance did not stop within 30 s");
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // restored after the logs are closed: an interrupt would close their files
                }
                maintenance = null;
            }
        }
        List<RuntimeException> failures = new ArrayList<>();
        logs.values().stream().sorted(Comparator.comparing(PartitionLog::dir)).forEach(log -> {
            try {
                log.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        });
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!failures.isEmpty()) {
            StorageException error = new StorageException("failed to close " + failures.size() + " logs");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }
}
