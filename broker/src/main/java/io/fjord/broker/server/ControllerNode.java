package io.fjord.broker.server;

import io.fjord.broker.management.ManagementServer;
import io.fjord.quorum.config.DirectoryIds;
import io.fjord.quorum.config.Voter;
import io.fjord.quorum.config.VoterSet;
import io.fjord.quorum.controller.runtime.ControllerService;
import io.fjord.quorum.controller.runtime.QuorumController;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.grpc.GrpcTransport;
import io.fjord.quorum.grpc.QuorumChannels;
import io.fjord.quorum.log.FileQuorumStateStore;
import io.fjord.quorum.log.PartitionRaftLog;
import io.fjord.quorum.raft.RaftNode;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.manager.DirectoryLock;
import io.fjord.storage.manager.Formatter;
import io.fjord.storage.manager.MetaProperties;
import io.fjord.storage.time.Clock;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A controller-only node: the metadata log ({@code __cluster_metadata-0} in the first log directory) with its quorum
 * state and voter set, the Raft driver, the cluster-metadata controller, and the controller listener (gRPC) serving
 * the quorum protocol and the Controller API (or, with {@code quorum.records.api.enable}, the QuorumRecords tool API
 * instead of the controller). {@link #close} hands leadership over first (EndQuorumEpoch), then stops.
 */
public final class ControllerNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerNode.class);
    public static final String METADATA_LOG = "__cluster_metadata-0";
    /** The metadata log keeps every entry until a snapshot covers it. */
    static final LogConfig METADATA_LOG_CONFIG = LogConfig.defaults().withOverrides(Map.of(
            "retention.ms", "-1", "retention.bytes", "-1", "segment.bytes", String.valueOf(64 << 20)));

    private final ServerConfig config;
    private final PartitionLog log;
    private final GrpcTransport transport;
    private final QuorumDriver driver;
    private final QuorumRecordLog records;
    private final QuorumController controller;
    private final Server server;
    private final Voter self;
    private ManagementServer management;
    private final List<DirectoryLock> locks = new ArrayList<>();

    /**
     * @throws io.fjord.storage.StorageException if the directories are unformatted, foreign or damaged
     * @throws UncheckedIOException if the controller listener cannot be bound
     */
    public ControllerNode(ServerConfig config) {
        this.config = config;
        Path metadataDir = config.logDirs().get(0);
        MetaProperties identity = Formatter.verify(config.logDirs(), config.nodeId()).get(0);
        locks.addAll(DirectoryLock.acquireAll(config.logDirs()));
        VoterSet voters = VoterSet.read(metadataDir);
        this.self = voters.voters().get(config.nodeId());
        if (self == null) {
            throw new IllegalArgumentException("node " + config.nodeId() + " is not in the quorum's voter set "
                    + voters + "; a controller-only node must be one of the voters");
        }
        if (!self.directoryId().equals(DirectoryIds.parse(identity.directoryId()))) {
            LOG.warn("[Quorum node={}] this metadata directory ({}) is not the one in the voter set ({}): the disk was"
                    + " replaced, so this node takes part as an observer and never votes", config.nodeId(),
                    identity.directoryId(), DirectoryIds.format(self.directoryId()));
        }
        this.log = PartitionLog.open(metadataDir.resolve(METADATA_LOG), METADATA_LOG_CONFIG, Clock.SYSTEM);
        RaftNode node;
        try {
            node = new RaftNode(config.nodeId(), DirectoryIds.parse(identity.directoryId()), voters.directories(),
                    new PartitionRaftLog(log), new FileQuorumStateStore(metadataDir), new SecureRandom(),
                    config.raft(), Clock.MONOTONIC.nowMs());
        } catch (RuntimeException e) {
            log.close();
            releaseLocks();
            throw e;
        }
        Map<Integer, InetSocketAddress> peers = new HashMap<>();
        voters.voters().forEach((id, v) -> peers.put(id, new InetSocketAddress(v.host(), v.port())));
        this.transport = new GrpcTransport(config.nodeId(), peers);
        this.driver = new QuorumDriver(node, transport, Clock.MONOTONIC);
        transport.statusSource(driver::status);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(self.host(), self.port()))
                .addService(transport.service());
        QuorumChannels.configureServer(builder);
        if (config.recordsApiEnabled()) {
            this.records = new QuorumRecordLog(driver, config.snapshotIntervalBytes(), config.nodeId());
            this.controller = null;
            builder.addService(new QuorumRecordsService(driver, records));
        } else {
            this.records = null;
            this.controller = new QuorumController(driver, config.controller(), Clock.MONOTONIC,
                    config.snapshotIntervalBytes(), config.autoRebalanceIntervalMs());
            builder.addService(new ControllerService(controller, () -> driver.status().leaderId()));
        }
        try {
            this.server = builder.build().start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot listen on " + self.host() + ":" + self.port()
                    + " (the controller listener of node " + config.nodeId() + "): " + e.getMessage(), e);
        }
        if (config.managementPort() >= 0) {
            try {
                management = new ManagementServer("127.0.0.1", config.managementPort(), driver);
            } catch (RuntimeException e) {
                close();
                throw new IllegalStateException("cannot start the management listener on 127.0.0.1:"
                        + config.managementPort() + " (management.port): " + e.getMessage(), e);
            }
        }
        LOG.info("[Quorum node={}] controller listening on {}:{}; voters {}", config.nodeId(), self.host(),
                self.port(), voters);
    }

    public QuorumDriver driver() {
        return driver;
    }

    public int port() {
        return self.port();
    }

    /** The management HTTP port, or -1 if it is off. */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    /** Graceful stop: resign if leading (so the others elect at once), then stop serving and close the log. */
    @Override
    public void close() {
        if (management != null) {
            management.close();
            management = null;
        }
        if (driver.status().leaderId() == config.nodeId()) {
            driver.resign();
            waitForHandOver();
        }
        if (server != null) {
            server.shutdown();
        }
        if (records != null) {
            records.close();
        }
        if (controller != null) {
            controller.close();
        }
        driver.close();
        transport.close();
        if (server != null) {
            try {
                server.awaitTermination(1, TimeUnit.SECONDS); // peers' streams stay open: then cut them
                server.shutdownNow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.close();
        releaseLocks();
    }

    private void releaseLocks() {
        locks.forEach(DirectoryLock::close);
        locks.clear();
    }

    private void waitForHandOver() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int epoch = driver.status().epoch();
        while (driver.status().epoch() == epoch && System.nanoTime() < deadline) {
            try {
                driver.awaitHighWatermarkAbove(Long.MAX_VALUE - 1, 50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
