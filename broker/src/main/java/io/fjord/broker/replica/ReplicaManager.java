package io.fjord.broker.replica;

import io.fjord.proto.v1.ErrorCode;
import io.fjord.quorum.metadata.LeadershipChange;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.TopicImage;
import io.fjord.storage.StorageException;
import io.fjord.storage.index.TimestampOffset;
import io.fjord.storage.log.LogAppendInfo;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.log.TopicPartition;
import io.fjord.storage.log.ValidatedBatches;
import io.fjord.storage.manager.LogManager;
import io.fjord.storage.time.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The partition replicas of one broker: owns the {@link LogManager} over its log directories, turns metadata changes
 * into leader and follower roles ({@link #onMetadata}), and serves appends, reads and offset look-ups to the client
 * API, with a {@link DelayedOperations purgatory} for acks=all produces and long-poll fetches.
 *
 * <p>HWs are checkpointed to {@code replication-offset-checkpoint} in each log directory every
 * {@code replica.high.watermark.checkpoint.interval.ms} and at {@link #close}; a replica starts from its checkpoint
 * (a leader whose ISR is itself alone moves it to its log end at once).
 *
 * <p>Thread-safety: {@link #onMetadata} is called by one thread (the metadata thread) in log order; everything else
 * is thread-safe and called by request threads.
 */
public final class ReplicaManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

    private final int brokerId;
    private final ReplicaConfig config;
    private final Clock clock;
    private final String logPrefix;
    private final LogManager logManager;
    private final List<Path> logDirs;
    private final Map<TopicPartition, Long> checkpointedHws = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final DelayedOperations purgatory;
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile PartitionMetrics metrics;

    public ReplicaManager(int brokerId, List<Path> logDirs, ReplicaConfig config, Clock clock) {
        this.brokerId = brokerId;
        this.config = config.validate();
        this.clock = clock;
        this.logPrefix = "[ReplicaManager broker=" + brokerId + "]";
        this.logDirs = List.copyOf(logDirs);
        this.logManager = new LogManager(logDirs, topic -> TopicConfigs.logConfig(config, image.topicConfig(topic)),
                clock);
        for (Path dir : this.logDirs) {
            if (!logManager.offlineDirs().containsKey(dir)) {
                try {
                    checkpointedHws.putAll(new HighWatermarkCheckpoint(dir).read());
                } catch (StorageException e) {
                    LOG.error("{} cannot read the high watermarks in {}: starting from 0", logPrefix, dir, e);
                }
            }
        }
        this.purgatory = new DelayedOperations("broker-" + brokerId);
        purgatory.scheduleEvery(config.highWatermarkCheckpointIntervalMs(), this::checkpointHighWatermarks);
        logManager.startBackgroundMaintenance(config.logRetentionCheckIntervalMs(), this::retentionBound);
    }

    private long retentionBound(TopicPartition tp) {
        Partition p = partitions.get(tp);
        return p == null ? checkpointedHws.getOrDefault(tp, 0L) : p.highWatermark();
    }

    /** Registers per-partition gauges in {@code registry}, for the partitions now and later. */
    public void bindMetrics(MeterRegistry registry) {
        PartitionMetrics m = new PartitionMetrics(registry);
        partitions.values().forEach(m::add);
        metrics = m;
    }

    /** Applies metadata changes for this broker, in log order, on the metadata thread. */
    public void onMetadata(MetadataImage newImage, List<LeadershipChange> changes) {
        this.image = newImage;
        for (LeadershipChange change : changes) {
            try {
                apply(change);
            } catch (RuntimeException e) {
                LOG.error("{} could not apply {} of {}-{}: {}", logPrefix, change.role(), change.topic(),
                        change.partition(), e.getMessage(), e);
            }
        }
        applyTopicConfigs(newImage);
    }

    private void apply(LeadershipChange change) {
        TopicPartition tp = new TopicPartition(change.topic(), change.partition());
        switch (change.role()) {
            case LEADER -> {
                Partition p = partitions.computeIfAbsent(tp, this::newPartition);
                p.makeLeader(change.leaderEpoch(), change.registration().isr());
            }
            case FOLLOWER -> {
                Partition p = partitions.computeIfAbsent(tp, this::newPartition);
                p.makeFollower(change.leaderEpoch(), change.leaderId(), change.registration().isr());
            }
            case REMOVED -> {
                Partition p = partitions.remove(tp);
                if (p != null) {
                    p.stop();
                }
                PartitionMetrics m = metrics;
                if (m != null) {
                    m.remove(tp);
                }
                checkpointedHws.remove(tp);
                if (logManager.deleteLog(tp)) {
                    LOG.info("{} deleted the log of {}: no longer a replica", logPrefix, tp);
                }
            }
            default -> throw new IllegalStateException("unknown role " + change.role());
        }
        purgatory.checkAndComplete(tp);
    }

    private Partition newPartition(TopicPartition tp) {
        Partition p = new Partition(tp, brokerId, logForTopicId(tp), checkpointedHws.getOrDefault(tp, 0L),
                TopicConfigs.minInsyncReplicas(config, image.topicConfig(tp.topic())));
        PartitionMetrics m = metrics;
        if (m != null) {
            m.add(p);
        }
        return p;
    }

    /**
     * The partition's log, recorded as belonging to the topic's current id. A log recorded for another id belongs to
     * a topic deleted (and created again) while this broker was away: it is deleted first, never served as the new
     * topic's.
     */
    private PartitionLog logForTopicId(TopicPartition tp) {
        String topicId = io.fjord.quorum.config.DirectoryIds.format(image.topic(tp.topic()).id());
        Optional<PartitionLog> existing = logManager.getLog(tp);
        if (existing.isPresent()) {
            Optional<String> recorded = new PartitionMetadataFile(existing.get().dir()).topicId();
            if (recorded.isPresent() && !recorded.get().equals(topicId)) {
                LOG.warn("{} the log of {} belongs to topic id {}, deleted while this broker was away; deleting it"
                        + " for topic id {}", logPrefix, tp, recorded.get(), topicId);
                checkpointedHws.remove(tp);
                logManager.deleteLog(tp);
            }
        }
        PartitionLog log = logManager.getOrCreateLog(tp);
        PartitionMetadataFile file = new PartitionMetadataFile(log.dir());
        if (file.topicId().isEmpty()) {
            file.write(topicId);
        }
        return log;
    }

    private void applyTopicConfigs(MetadataImage newImage) {
        for (Partition p : partitions.values()) {
            String topic = p.topicPartition().topic();
            try {
                Map<String, String> overrides = newImage.topicConfig(topic);
                LogConfig wanted = TopicConfigs.logConfig(config, overrides);
                if (!wanted.equals(p.log().config())) {
                    p.log().updateConfig(wanted);
                    LOG.info("{} applied the config of {}: {}", logPrefix, p.topicPartition(), overrides);
                }
                p.setMinInsyncReplicas(TopicConfigs.minInsyncReplicas(config, overrides));
            } catch (RuntimeException e) {
                LOG.error("{} cannot apply the config of topic {}: {}", logPrefix, topic, e.getMessage());
            }
        }
    }

    /**
     * The partition if this broker leads it (in {@code currentLeaderEpoch}, when set).
     *
     * @throws ApiException UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH,
     *                      UNKNOWN_LEADER_EPOCH
     */
    public Partition leaderPartition(String topic, int partition, Optional<Integer> currentLeaderEpoch) {
        Partition p = hosted(topic, partition);
        p.checkLeader(currentLeaderEpoch);
        return p;
    }

    private Partition hosted(String topic, int partition) {
        TopicPartition tp;
        try {
            tp = new TopicPartition(topic, partition);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "unknown topic or partition '" + topic + "'-"
                    + partition + ": " + e.getMessage());
        }
        Partition p = partitions.get(tp);
        if (p != null) {
            return p;
        }
        TopicImage t = image.topic(topic);
        if (t == null) {
            throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "unknown topic '" + topic + "'");
        }
        if (!t.partitions().containsKey(partition)) {
            throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + topic + "' has "
                    + t.partitions().size() + " partitions; there is no partition " + partition);
        }
        int leader = t.partitions().get(partition).leader();
        throw new ApiException(ErrorCode.NOT_LEADER_OR_FOLLOWER, "broker " + brokerId + " is not a replica of " + tp
                + (leader >= 0 ? "; broker " + leader + " leads it" : "; it has no leader now"));
    }

    /** What an append wrote, and the log start after it. */
    public record AppendResult(LogAppendInfo info, long logStartOffset, int leaderEpoch) {
    }

    /** Appends validated producer batches to a partition this broker leads; wakes waiting fetches. */
    public AppendResult append(Partition p, ValidatedBatches batches, int requiredAcks) {
        LogAppendInfo info = p.appendAsLeader(batches, requiredAcks);
        AppendResult result = new AppendResult(info, p.log().logStartOffset(), p.view().leaderEpoch());
        purgatory.checkAndComplete(p.topicPartition());
        return result;
    }

    /**
     * Calls {@code done} once the HW passes {@code lastOffset} (with null), or with REQUEST_TIMED_OUT after
     * {@code timeoutMs}, or NOT_LEADER_OR_FOLLOWER if the leadership ends first.
     */
    public void awaitReplication(Partition p, long lastOffset, int leaderEpoch, long timeoutMs,
                                 Consumer<ApiException> done) {
        purgatory.watch(List.of(p.topicPartition()), timeoutMs, () -> p.isReplicated(lastOffset, leaderEpoch),
                timedOut -> {
                    try {
                        if (p.isReplicated(lastOffset, leaderEpoch)) {
                            done.accept(null);
                        } else {
                            done.accept(new ApiException(ErrorCode.REQUEST_TIMED_OUT, "records up to offset "
                                    + lastOffset + " of " + p.topicPartition() + " were not replicated to the ISR"
                                    + " within " + timeoutMs + " ms (high watermark " + p.highWatermark() + ")"));
                        }
                    } catch (RuntimeException e) {
                        done.accept(ApiErrors.from(e));
                    }
                });
    }

    /** Reads from a partition this broker leads, up to its HW. */
    public Partition.ReadResult read(Partition p, long fetchOffset, int maxBytes, boolean minOneBatch,
                                     Optional<Integer> currentLeaderEpoch) {
        return p.read(fetchOffset, maxBytes, minOneBatch, currentLeaderEpoch);
    }

    /** ListOffsets by timestamp on a partition this broker leads: bounded by the HW. */
    public Optional<TimestampOffset> offsetForTimestamp(Partition p, long timestampMs) {
        return p.offsetForTimestamp(timestampMs);
    }

    public DelayedOperations purgatory() {
        return purgatory;
    }

    public ReplicaConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public int brokerId() {
        return brokerId;
    }

    public Collection<PartitionView> partitions() {
        List<PartitionView> out = new ArrayList<>();
        for (Partition p : partitions.values()) {
            try {
                out.add(p.view());
            } catch (RuntimeException e) {
                LOG.debug("{} no view of {}: {}", logPrefix, p.topicPartition(), e.getMessage());
            }
        }
        return out;
    }

    /** Partitions whose logs could not load or went offline, with the reason. */
    public Map<TopicPartition, String> offlinePartitions() {
        return logManager.offlinePartitions();
    }

    /** Writes every log directory's {@code replication-offset-checkpoint}. */
    public void checkpointHighWatermarks() {
        Map<Path, Map<TopicPartition, Long>> byDir = new HashMap<>();
        logManager.placement().forEach((tp, dir) -> {
            Partition p = partitions.get(tp);
            Long hw = p != null ? Long.valueOf(p.highWatermark()) : checkpointedHws.get(tp);
            if (hw != null) {
                byDir.computeIfAbsent(dir, d -> new HashMap<>()).put(tp, hw);
            }
        });
        for (Path dir : logDirs) {
            if (logManager.offlineDirs().containsKey(dir)) {
                continue;
            }
            try {
                new HighWatermarkCheckpoint(dir).write(byDir.getOrDefault(dir, Map.of()));
            } catch (StorageException e) {
                LOG.error("{} cannot checkpoint high watermarks in {}: {}", logPrefix, dir, e.getMessage());
            }
        }
    }

    /** Completes waiting operations, checkpoints HWs and closes every log cleanly. */
    @Override
    public void close() {
        purgatory.close();
        checkpointHighWatermarks();
        logManager.close();
        LOG.info("{} closed", logPrefix);
    }
}
