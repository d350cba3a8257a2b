package io.fjord.broker.replica;

import io.fjord.broker.replica.core.HighWatermarkMath;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.storage.index.TimestampOffset;
import io.fjord.storage.log.FetchDataInfo;
import io.fjord.storage.log.LogAppendInfo;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.log.TopicPartition;
import io.fjord.storage.log.ValidatedBatches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One replica of a partition on this broker: its log, its role (leader or follower) in a leader epoch, the ISR and
 * the high watermark. The HW is {@link HighWatermarkMath#highWatermark min LEO over the ISR}; with an ISR of this
 * broker alone it follows the LEO.
 *
 * <p>Transitions (metadata thread): {@code new → leader(e) | follower(e)}, {@code leader(e) → leader(e') |
 * follower(e')} for {@code e' >= e}, any → stopped. A leader or follower change in an older epoch is ignored.
 *
 * <p>Thread-safety: role changes and appends hold the partition's lock (the log's own lock nests inside); reads
 * take no lock and see an immutable {@link Role} snapshot and the volatile HW.
 */
public final class Partition {
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

    /** The role in a leader epoch; immutable. {@code epoch} -1: none yet. */
    record Role(boolean leader, int leaderEpoch, int leaderId, List<Integer> isr, boolean stopped) {
        static final Role NONE = new Role(false, -1, -1, List.of(), false);
    }

    private final TopicPartition tp;
    private final int brokerId;
    private final PartitionLog log;
    private final String logPrefix;
    private final Object lock = new Object();
    private final Map<Integer, Long> followerEndOffsets = new HashMap<>(); // guarded by lock; replication fills it
    private volatile Role role = Role.NONE;
    private volatile long highWatermark;
    private volatile int minInsyncReplicas;

    /** @param checkpointedHw the HW last checkpointed for this replica (0 if none) */
    Partition(TopicPartition tp, int brokerId, PartitionLog log, long checkpointedHw, int minInsyncReplicas) {
        this.tp = tp;
        this.brokerId = brokerId;
        this.log = log;
        this.logPrefix = "[Partition " + tp + " broker=" + brokerId + "]";
        this.highWatermark = Math.max(log.logStartOffset(), Math.min(checkpointedHw, log.logEndOffset()));
        this.minInsyncReplicas = minInsyncReplicas;
    }

    public TopicPartition topicPartition() {
        return tp;
    }

    /** The largest batch this partition accepts ({@code max.message.bytes}, with topic overrides). */
    public int maxMessageBytes() {
        return log.config().maxMessageBytes();
    }

    PartitionLog log() {
        return log;
    }

    /** Becomes (or stays) leader in {@code epoch}; the log records that the epoch starts at its end. */
    void makeLeader(int epoch, List<Integer> isr) {
        synchronized (lock) {
            Role was = role;
            if (epoch < was.leaderEpoch()) {
                LOG.warn("{} ignored leadership in epoch {}: already in epoch {}", logPrefix, epoch, was.leaderEpoch());
                return;
            }
            if (!was.leader() || epoch != was.leaderEpoch()) {
                followerEndOffsets.clear(); // unknown until the followers fetch in this epoch
            }
            if (epoch > log.latestEpoch()) {
                log.epochCache().assign(epoch, log.logEndOffset());
            }
            role = new Role(true, epoch, brokerId, List.copyOf(isr), false);
            updateHighWatermarkLocked();
            if (!was.leader() || epoch != was.leaderEpoch()) {
                LOG.info("{} leader in leader epoch {}: ISR {}, log end {}, high watermark {}", logPrefix, epoch, isr,
                        log.logEndOffset(), highWatermark);
            }
        }
    }

    void makeFollower(int epoch, int leaderId, List<Integer> isr) {
        synchronized (lock) {
            Role was = role;
            if (epoch < was.leaderEpoch()) {
                LOG.warn("{} ignored followership in epoch {}: already in epoch {}", logPrefix, epoch,
                        was.leaderEpoch());
                return;
            }
            followerEndOffsets.clear();
            role = new Role(false, epoch, leaderId, List.copyOf(isr), false);
            if (was.leader() || epoch != was.leaderEpoch()) {
                LOG.info("{} follower of broker {} in leader epoch {} at log end {}, high watermark {}; fetching from"
                        + " the leader comes with replication (a later issue)", logPrefix, leaderId, epoch,
                        log.logEndOffset(), highWatermark);
            }
        }
    }

    void stop() {
        synchronized (lock) {
            role = new Role(false, role.leaderEpoch(), -1, List.of(), true);
        }
    }

    void setMinInsyncReplicas(int minIsr) {
        this.minInsyncReplicas = minIsr;
    }

    /**
     * The leader epoch, if this replica leads and {@code currentLeaderEpoch} (when set) is its epoch.
     *
     * @throws ApiException FENCED_LEADER_EPOCH (older), UNKNOWN_LEADER_EPOCH (newer), NOT_LEADER_OR_FOLLOWER
     */
    int checkLeader(Optional<Integer> currentLeaderEpoch) {
        Role r = role;
        if (currentLeaderEpoch.isPresent() && !r.stopped()) {
            int requested = currentLeaderEpoch.get();
            if (requested < r.leaderEpoch()) {
                throw new ApiException(ErrorCode.FENCED_LEADER_EPOCH, "leader epoch " + requested + " of " + tp
                        + " is older than this broker's " + r.leaderEpoch() + ": refresh metadata");
            }
            if (requested > r.leaderEpoch()) {
                throw new ApiException(ErrorCode.UNKNOWN_LEADER_EPOCH, "leader epoch " + requested + " of " + tp
                        + " is newer than this broker's " + r.leaderEpoch() + ": it has not seen that epoch yet");
            }
        }
        if (!r.leader()) {
            throw new ApiException(ErrorCode.NOT_LEADER_OR_FOLLOWER, "broker " + brokerId + " does not lead " + tp
                    + (r.leaderId() >= 0 ? ": broker " + r.leaderId() + " does" : ""));
        }
        return r.leaderEpoch();
    }

    /**
     * Appends producer batches as leader. With {@code requiredAcks} -1, refuses when the ISR is smaller than
     * {@code min.insync.replicas}, before writing anything.
     */
    LogAppendInfo appendAsLeader(ValidatedBatches batches, int requiredAcks) {
        synchronized (lock) {
            int epoch = checkLeader(Optional.empty());
            int isrSize = role.isr().size();
            int minIsr = minInsyncReplicas;
            if (requiredAcks == -1 && isrSize < minIsr) {
                throw new ApiException(ErrorCode.NOT_ENOUGH_REPLICAS, "the ISR of " + tp + " has " + isrSize
                        + " replicas " + role.isr() + ", fewer than min.insync.replicas " + minIsr);
            }
            LogAppendInfo info = log.appendAsLeader(batches, epoch);
            updateHighWatermarkLocked();
            return info;
        }
    }

    /** Recomputes the HW; returns true if it moved. Caller holds the lock. */
    private boolean updateHighWatermarkLocked() {
        Role r = role;
        if (!r.leader()) {
            return false;
        }
        long leo = log.logEndOffset();
        long newHw = HighWatermarkMath.highWatermark(highWatermark, brokerId, leo, r.isr(), followerEndOffsets);
        if (newHw > leo || newHw < highWatermark) {
            throw new IllegalStateException(logPrefix + " HW " + newHw + " outside [" + highWatermark + ", " + leo + "]");
        }
        boolean moved = newHw != highWatermark;
        highWatermark = newHw;
        return moved;
    }

    /** Whether an acks=all produce up to {@code lastOffset} in {@code epoch} is done; throws if it cannot be. */
    boolean isReplicated(long lastOffset, int epoch) {
        Role r = role;
        if (!r.leader() || r.leaderEpoch() != epoch) {
            throw new ApiException(ErrorCode.NOT_LEADER_OR_FOLLOWER, "broker " + brokerId + " stopped leading " + tp
                    + " in epoch " + epoch + " before the records were replicated");
        }
        return highWatermark > lastOffset;
    }

    /** What a fetch reads: whole batches from {@code fetchOffset}, up to the HW. */
    public record ReadResult(long highWatermark, long logStartOffset, int leaderEpoch, ByteBuffer records) {
    }

    ReadResult read(long fetchOffset, int maxBytes, boolean minOneBatch, Optional<Integer> currentLeaderEpoch) {
        int epoch = checkLeader(currentLeaderEpoch);
        long hw = highWatermark;
        long start = log.logStartOffset();
        long end = log.logEndOffset();
        if (fetchOffset < start || fetchOffset > end) {
            throw new ApiException(ErrorCode.OFFSET_OUT_OF_RANGE, "fetch offset " + fetchOffset + " is out of range"
                    + " for " + tp + ": valid offsets are " + start + " to " + end + " (log start to log end; records"
                    + " are readable below the high watermark " + hw + ")");
        }
        if (fetchOffset >= hw) {
            return new ReadResult(hw, start, epoch, ByteBuffer.allocate(0));
        }
        FetchDataInfo data = log.read(fetchOffset, maxBytes, hw, minOneBatch);
        return new ReadResult(hw, start, epoch, data.records());
    }

    /** Whether a fetch from {@code fetchOffset} has something to read now (below the HW), or the role changed. */
    public boolean hasNews(long fetchOffset, int leaderEpoch) {
        Role r = role;
        return fetchOffset < highWatermark || !r.leader() || r.leaderEpoch() != leaderEpoch;
    }

    /** Kafka's ListOffsets by timestamp: the first record at or after {@code timestampMs} below the HW. */
    Optional<TimestampOffset> offsetForTimestamp(long timestampMs) {
        long hw = highWatermark;
        return log.findOffsetByTimestamp(timestampMs).filter(found -> found.offset() < hw);
    }

    public long highWatermark() {
        return highWatermark;
    }

    public PartitionView view() {
        Role r = role;
        return new PartitionView(tp.topic(), tp.partition(), r.leaderEpoch(), r.leader(), log.logStartOffset(),
                log.logEndOffset(), highWatermark, log.sizeInBytes(), r.isr().size());
    }

    int minInsyncReplicas() {
        return minInsyncReplicas;
    }

    @Override
    public String toString() {
        return logPrefix;
    }
}
