package io.fjord.quorum.sim;

import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.quorum.controller.ControllerConfig;
import io.fjord.quorum.metadata.MetadataException;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.MetadataSnapshot;
import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.raft.RaftNode;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Proposals are controller decisions, so the production Raft core and the production controller logic
 * ({@code io.fjord.quorum.controller}) run together under the simulator's faults. A node that leads decides as the
 * real {@code QuorumController} does: only once its high watermark has passed its epoch start (an entry of its own
 * epoch is committed), over its pending image, the image of its whole log (snapshot, committed entries and its own
 * appended, uncommitted ones). Each decision's records are one quorum entry; a decision that changes nothing or is
 * refused appends nothing. The {@link MetadataInvariants} check every entry as it commits.
 *
 * <p>The pending image is cached per (node, epoch) and extended from the log incrementally. Not thread-safe.
 */
final class ControllerWorkload implements SimWorkload {
    /** Sessions short enough to lapse between heartbeats now and then; small producer-id blocks. */
    static final ControllerConfig CONFIG = new ControllerConfig(3_000, false, 100);

    /** Deliberate controller bugs, for checking that the metadata invariants catch them. */
    enum Fault {
        NONE,
        /**
         * Activates as soon as it leads, with its committed image as the pending image (no wait for its epoch
         * start): it misses what earlier leaders appended, and perhaps committed, that it does not know committed.
         */
        EARLY_ACTIVATION,
        /**
         * Keeps the pending image of an earlier leadership of the same node instead of rebuilding it: it still holds
         * entries that were truncated away and misses what other leaders committed meanwhile.
         */
        KEEP_PENDING_IMAGE
    }

    private final Fault fault;
    private final MetadataInvariants invariants = new MetadataInvariants();
    private final ControllerDecisions decisions = new ControllerDecisions(CONFIG);
    private final Map<Integer, ControllerActivation> activations = new HashMap<>();
    private int activationCount;
    private int decisionsAppended;

    ControllerWorkload() {
        this(Fault.NONE);
    }

    ControllerWorkload(Fault fault) {
        this.fault = fault;
    }

    @Override
    public byte[] propose(RaftNode leader, InMemoryRaftLog log, Random random, long nowMs) {
        if (fault != Fault.EARLY_ACTIVATION && !epochStartCommitted(leader, log)) {
            return null;
        }
        ControllerActivation activation = activate(leader, log);
        catchUp(activation, leader, log);
        activation.startSessions(nowMs);
        List<MetadataRecord> records = List.of();
        for (int attempt = 0; attempt < 3 && records.isEmpty(); attempt++) {
            // requests that change nothing or are refused append nothing; try another
            records = decisions.decide(activation, invariants::committedImage, leader.highWatermark(), log.endOffset(),
                    random, nowMs);
        }
        if (records.isEmpty()) {
            return null;
        }
        decisionsAppended++;
        return MetadataSnapshot.encode(records);
    }

    /** Whether the leader's high watermark has passed its epoch start: the last committed entry is of its epoch. */
    static boolean epochStartCommitted(RaftNode leader, InMemoryRaftLog log) {
        long hw = leader.highWatermark();
        if (hw > log.startOffset()) {
            return log.entry(hw - 1).epoch() == leader.epoch();
        }
        return hw == log.startOffset() && hw > 0 && log.startEpoch() == leader.epoch();
    }

    /** The controller of this leadership: the cached one, or a new one over the image its activation sees. */
    private ControllerActivation activate(RaftNode leader, InMemoryRaftLog log) {
        ControllerActivation current = activations.get(leader.localId());
        if (current != null && current.node() == leader && current.epoch() == leader.epoch()) {
            return current;
        }
        ControllerActivation next;
        if (fault == Fault.KEEP_PENDING_IMAGE && current != null) {
            next = new ControllerActivation(leader, leader.epoch(), current.pending(), log.endOffset(), CONFIG);
        } else if (fault == Fault.EARLY_ACTIVATION) {
            next = new ControllerActivation(leader, leader.epoch(), MetadataInvariants.replay(MetadataImage.EMPTY,
                    SimSnapshots.committedView(leader)), log.endOffset(), CONFIG);
        } else {
            next = fromSnapshot(leader);
        }
        activations.put(leader.localId(), next);
        activationCount++;
        return next;
    }

    /** A controller whose pending image is that of the leader's latest snapshot, to be caught up from the log. */
    private static ControllerActivation fromSnapshot(RaftNode leader) {
        OffsetAndEpoch latest = leader.latestSnapshotId();
        if (latest == null) {
            return new ControllerActivation(leader, leader.epoch(), MetadataImage.EMPTY, 0, CONFIG);
        }
        MetadataImage image = replay(leader, MetadataImage.EMPTY, SimSnapshots.decode(leader.readSnapshot(latest)));
        return new ControllerActivation(leader, leader.epoch(), image, latest.offset(), CONFIG);
    }

    /** Applies the leader's log entries the pending image does not hold yet (its own, mostly). */
    private static void catchUp(ControllerActivation activation, RaftNode leader, InMemoryRaftLog log) {
        if (activation.nextOffset() < log.startOffset()) {
            // the log start moved past the cache (snapshots): start again from the latest snapshot
            ControllerActivation rebuilt = fromSnapshot(leader);
            activation.advance(rebuilt.pending(), rebuilt.nextOffset());
        }
        while (activation.nextOffset() < log.endOffset()) {
            List<LogEntry> entries = log.read(activation.nextOffset(), 1000);
            activation.advance(replay(leader, activation.pending(), entries),
                    entries.get(entries.size() - 1).offset() + 1);
        }
    }

    private static MetadataImage replay(RaftNode leader, MetadataImage from, List<LogEntry> entries) {
        try {
            return MetadataInvariants.replay(from, entries);
        } catch (MetadataException e) {
            throw new AssertionError("the log of leader " + leader + " does not apply: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] livenessEntry(long seed) {
        return MetadataSnapshot.encode(List.of()); // an empty batch: no records
    }

    @Override
    public void committed(LogEntry entry) {
        invariants.committed(entry);
    }

    @Override
    public void healed(Collection<RaftNode> nodes) {
        invariants.healed(nodes);
    }

    MetadataInvariants invariants() {
        return invariants;
    }

    @Override
    public String stats() {
        return "controller activations " + activationCount + ", decisions appended " + decisionsAppended + ", "
                + invariants.stats();
    }
}
