package io.fjord.broker.server;

import io.fjord.broker.management.ManagementServer;
import io.fjord.quorum.config.DirectoryIds;
import io.fjord.quorum.config.VoterSet;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.grpc.GrpcTransport;
import io.fjord.quorum.log.FileQuorumStateStore;
import io.fjord.quorum.log.PartitionRaftLog;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.raft.RaftNode;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.manager.DirectoryLock;
import io.fjord.storage.manager.Formatter;
import io.fjord.storage.manager.MetaProperties;
import io.fjord.storage.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A broker-only node, so far its metadata side: it follows the metadata log as a quorum observer (its own copy in
 * {@code __cluster_metadata-0} of the first log directory, with snapshots), keeps the {@link MetadataImage} and
 * publishes this broker's leadership changes, registers with the active controller and heartbeats. (Partitions,
 * replication and the client API come with the broker issues.) {@link #close} asks for a controlled shutdown first.
 */
public final class BrokerNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerNode.class);

    private final ServerConfig config;
    private final List<DirectoryLock> locks = new ArrayList<>();
    private final PartitionLog log;
    private final GrpcTransport transport;
    private final QuorumDriver driver;
    private final BrokerMetadataPublisher metadata;
    private final ControllerClient controllers;
    private final BrokerLifecycle lifecycle;
    private final ManagementServer management;

    public BrokerNode(ServerConfig config) {
        this.config = config;
        Path metadataDir = config.logDirs().get(0);
        MetaProperties identity = Formatter.verify(config.logDirs(), config.nodeId()).get(0);
        locks.addAll(DirectoryLock.acquireAll(config.logDirs()));
        VoterSet voters = VoterSet.read(metadataDir);
        if (voters.voters().containsKey(config.nodeId())) {
            locks.forEach(DirectoryLock::close);
            throw new IllegalArgumentException("node " + config.nodeId() + " is a voter of the metadata quorum "
                    + voters + ": a broker-only node needs an id of its own (node ids are unique across the cluster)");
        }
        this.log = PartitionLog.open(metadataDir.resolve(ControllerNode.METADATA_LOG),
                ControllerNode.METADATA_LOG_CONFIG, Clock.SYSTEM);
        RaftNode node = new RaftNode(config.nodeId(), DirectoryIds.parse(identity.directoryId()), voters.directories(),
                new PartitionRaftLog(log), new FileQuorumStateStore(metadataDir), new SecureRandom(), config.raft(),
                Clock.MONOTONIC.nowMs());
        Map<Integer, InetSocketAddress> peers = new HashMap<>();
        voters.voters().forEach((id, v) -> peers.put(id, new InetSocketAddress(v.host(), v.port())));
        this.transport = new GrpcTransport(config.nodeId(), peers);
        this.driver = new QuorumDriver(node, transport, Clock.MONOTONIC);
        transport.statusSource(driver::status);
        this.metadata = new BrokerMetadataPublisher(config.nodeId(), driver, config.snapshotIntervalBytes());
        this.controllers = new ControllerClient(voters);
        this.lifecycle = new BrokerLifecycle(config.nodeId(), config.clientListener(), controllers,
                metadata::appliedOffset, config.brokerHeartbeatIntervalMs());
        this.management = config.managementPort() < 0 ? null
                : new ManagementServer("127.0.0.1", config.managementPort(), driver);
        LOG.info("[Broker {}] started: following the metadata quorum {} as an observer", config.nodeId(), voters);
    }

    public MetadataImage metadata() {
        return metadata.image();
    }

    public QuorumDriver driver() {
        return driver;
    }

    /** Controlled shutdown (up to 30 s for the controller to move leaderships away), then stop. */
    @Override
    public void close() {
        try {
            if (!lifecycle.shutDown(30_000)) {
                LOG.warn("[Broker {}] the controller did not release this broker within 30 s; stopping anyway",
                        config.nodeId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lifecycle.close();
        if (management != null) {
            management.close();
        }
        controllers.close();
        metadata.close();
        driver.close();
        transport.close();
        log.close();
        locks.forEach(DirectoryLock::close);
    }
}
