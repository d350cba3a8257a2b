package io.fjord.quorum.sim;

import io.fjord.quorum.controller.BrokerControl;
import io.fjord.quorum.controller.BrokerHeartbeats;
import io.fjord.quorum.controller.ControllerConfig;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.raft.RaftNode;

/**
 * One leadership's active controller in the simulation, as {@code QuorumController} keeps it: the pending image
 * (of the leader's log below {@link #nextOffset()}) and the broker sessions, which start afresh with every new active
 * controller. Not thread-safe.
 */
final class ControllerActivation {
    private final RaftNode node;
    private final int epoch;
    private final BrokerHeartbeats heartbeats = new BrokerHeartbeats();
    private final BrokerControl brokers;
    private MetadataImage pending;
    private long nextOffset;
    private boolean sessionsStarted;

    ControllerActivation(RaftNode node, int epoch, MetadataImage pending, long nextOffset, ControllerConfig config) {
        this.node = node;
        this.epoch = epoch;
        this.pending = pending;
        this.nextOffset = nextOffset;
        this.brokers = new BrokerControl(config, heartbeats);
    }

    RaftNode node() {
        return node;
    }

    int epoch() {
        return epoch;
    }

    MetadataImage pending() {
        return pending;
    }

    long nextOffset() {
        return nextOffset;
    }

    BrokerHeartbeats heartbeats() {
        return heartbeats;
    }

    BrokerControl brokers() {
        return brokers;
    }

    /** The pending image now holds the log below {@code offset}. */
    void advance(MetadataImage image, long offset) {
        pending = image;
        nextOffset = offset;
    }

    /**
     * Once caught up, as the real controller on activation: every registered broker's session starts now, and each
     * must catch up to the activation's image before it is unfenced.
     */
    void startSessions(long nowMs) {
        if (!sessionsStarted) {
            sessionsStarted = true;
            for (int id : pending.brokers().keySet()) {
                heartbeats.touch(id, nowMs);
                heartbeats.requireCaughtUpTo(id, pending.endOffset());
            }
        }
    }
}
