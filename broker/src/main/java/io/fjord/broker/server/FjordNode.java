package io.fjord.broker.server;

import io.fjord.broker.management.ManagementServer;
import io.fjord.broker.management.NodeView;
import io.fjord.broker.replica.PartitionView;
import io.fjord.quorum.config.DirectoryIds;
import io.fjord.quorum.config.Voter;
import io.fjord.quorum.config.VoterSet;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.storage.manager.DirectoryLock;
import io.fjord.storage.manager.Formatter;
import io.fjord.storage.manager.MetaProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One Fjord node with the roles its {@code process.roles} names: a controller (a voter of the metadata quorum
 * serving the controller listener), a broker (partitions and the client API on the client listener), or both (a
 * combined node, as {@code fjord dev} runs). Both roles share one {@link RaftManager}: a broker-only node is a quorum
 * observer. The log directories are locked for the node's life.
 *
 * <p>{@link #close} stops in the order that keeps the cluster available: the broker's controlled shutdown first
 * (its leaderships move while the controller still runs), then the controller hands quorum leadership over, then
 * the quorum and the files close.
 */
public final class FjordNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FjordNode.class);

    private final ServerConfig config;
    private final List<DirectoryLock> locks = new ArrayList<>();
    private RaftManager raft;
    private ControllerServer controller;
    private BrokerServer broker;
    private ManagementServer management;
    private Voter self;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * @throws io.fjord.storage.StorageException if the directories are unformatted, foreign, damaged or in use
     * @throws IllegalArgumentException          if the roles do not fit the voter set
     * @throws java.io.UncheckedIOException      if a listener cannot be bound
     */
    public FjordNode(ServerConfig config) {
        this.config = config;
        MetaProperties identity = Formatter.verify(config.logDirs(), config.nodeId()).get(0);
        locks.addAll(DirectoryLock.acquireAll(config.logDirs()));
        VoterSet voters;
        try {
            voters = VoterSet.read(config.logDirs().get(0));
            this.self = checkRoles(voters, identity);
            this.raft = new RaftManager(config, identity, voters);
            if (config.hasRole(ServerConfig.Role.CONTROLLER)) {
                this.controller = new ControllerServer(config, raft, self);
            }
            if (config.hasRole(ServerConfig.Role.BROKER)) {
                this.broker = new BrokerServer(config, identity.clusterId(), raft, voters,
                        !config.hasRole(ServerConfig.Role.CONTROLLER), metrics);
            }
            if (config.managementPort() >= 0) {
                try {
                    this.management = new ManagementServer("127.0.0.1", config.managementPort(), raft.driver(),
                            view(), metrics);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("cannot start the management listener on 127.0.0.1:"
                            + config.managementPort() + " (management.port): " + e.getMessage(), e);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("[Node {}] started as {}; voters {}", config.nodeId(), config.roles(), voters);
    }

    private Voter checkRoles(VoterSet voters, MetaProperties identity) {
        Voter self = voters.voters().get(config.nodeId());
        if (config.hasRole(ServerConfig.Role.CONTROLLER)) {
            if (self == null) {
                throw new IllegalArgumentException("node " + config.nodeId() + " is not in the quorum's voter set "
                        + voters + "; a controller must be one of the voters");
            }
            if (!self.directoryId().equals(DirectoryIds.parse(identity.directoryId()))) {
                LOG.warn("[Quorum node={}] this metadata directory ({}) is not the one in the voter set ({}): the"
                        + " disk was replaced, so this node takes part as an observer and never votes",
                        config.nodeId(), identity.directoryId(), DirectoryIds.format(self.directoryId()));
            }
        } else if (self != null) {
            throw new IllegalArgumentException("node " + config.nodeId() + " is a voter of the metadata quorum "
                    + voters + ": a broker-only node needs an id of its own (node ids are unique across the cluster)");
        }
        return self;
    }

    public QuorumDriver driver() {
        return raft.driver();
    }

    /** The controller listener's port, or -1 without the controller role. */
    public int controllerPort() {
        return controller == null ? -1 : self.port();
    }

    /** The client listener's port, or -1 without the broker role. */
    public int clientPort() {
        return broker == null ? -1 : broker.port();
    }

    /** The management HTTP port, or -1 if it is off. */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    /**
     * Waits until the broker serves (registered and unfenced in the committed metadata) or {@code timeoutMs}
     * passed; true if it serves. Without the broker role: true.
     */
    public boolean awaitBrokerReady(long timeoutMs) throws InterruptedException {
        return broker == null || broker.awaitImage(image -> image.isUnfenced(config.nodeId()), timeoutMs)
                .isUnfenced(config.nodeId());
    }

    private NodeView view() {
        if (broker == null) {
            return NodeView.CONTROLLER_ONLY;
        }
        BrokerServer b = broker;
        return new NodeView() {
            @Override
            public String notReadyReason() {
                MetadataImage image = b.image();
                if (image.brokers().get(config.nodeId()) == null) {
                    return "broker " + config.nodeId() + " is not registered yet (metadata at offset "
                            + image.endOffset() + ")";
                }
                return image.isUnfenced(config.nodeId()) ? null : "broker " + config.nodeId()
                        + " is fenced: catching up on metadata or not yet heartbeating";
            }

            @Override
            public MetadataImage metadata() {
                return b.image();
            }

            @Override
            public Collection<PartitionView> partitions() {
                return b.replicas().partitions();
            }
        };
    }

    /** The broker's metadata image (empty without the broker role). */
    public MetadataImage metadata() {
        return broker == null ? MetadataImage.EMPTY : broker.image();
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
        if (management != null) {
            management.close();
            management = null;
        }
        if (controller != null && raft != null) {
            raft.resignIfLeader();
            controller.shutdown();
        }
        if (raft != null) {
            raft.close();
            raft = null;
        }
        if (controller != null) {
            controller.close();
            controller = null;
        }
        locks.forEach(DirectoryLock::close);
        locks.clear();
        metrics.close();
    }
}
