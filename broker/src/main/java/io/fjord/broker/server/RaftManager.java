package io.fjord.broker.server;

import io.fjord.quorum.config.DirectoryIds;
import io.fjord.quorum.config.VoterSet;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.grpc.GrpcTransport;
import io.fjord.quorum.log.FileQuorumStateStore;
import io.fjord.quorum.log.PartitionRaftLog;
import io.fjord.quorum.raft.RaftNode;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.manager.MetaProperties;
import io.fjord.storage.time.Clock;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node's membership in the metadata quorum (Kafka's {@code KafkaRaftManager}): the metadata log
 * ({@code __cluster_metadata-0} in the first log directory) with its quorum state, the Raft node (a voter if the
 * voter set names this node and directory, else an observer), the gRPC transport and the driver thread. Controllers
 * serve {@link GrpcTransport#service()} on their controller listener; broker-only nodes reach the voters over it.
 * One per node: in a combined node the controller and the broker share it.
 */
final class RaftManager implements AutoCloseable {
    static final String METADATA_LOG = "__cluster_metadata-0";
    /** The metadata log keeps every entry until a snapshot covers it. */
    static final LogConfig METADATA_LOG_CONFIG = LogConfig.defaults().withOverrides(Map.of(
            "retention.ms", "-1", "retention.bytes", "-1", "segment.bytes", String.valueOf(64 << 20)));

    private final int nodeId;
    private final PartitionLog log;
    private final GrpcTransport transport;
    private final QuorumDriver driver;

    RaftManager(ServerConfig config, MetaProperties identity, VoterSet voters) {
        this.nodeId = config.nodeId();
        Path metadataDir = config.logDirs().get(0);
        this.log = PartitionLog.open(metadataDir.resolve(METADATA_LOG), METADATA_LOG_CONFIG, Clock.SYSTEM);
        RaftNode node;
        try {
            node = new RaftNode(config.nodeId(), DirectoryIds.parse(identity.directoryId()), voters.directories(),
                    new PartitionRaftLog(log), new FileQuorumStateStore(metadataDir), new SecureRandom(),
                    config.raft(), Clock.MONOTONIC.nowMs());
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        Map<Integer, InetSocketAddress> peers = new HashMap<>();
        voters.voters().forEach((id, v) -> peers.put(id, new InetSocketAddress(v.host(), v.port())));
        this.transport = new GrpcTransport(config.nodeId(), peers);
        this.driver = new QuorumDriver(node, transport, Clock.MONOTONIC);
        transport.statusSource(driver::status);
    }

    QuorumDriver driver() {
        return driver;
    }

    GrpcTransport transport() {
        return transport;
    }

    /** If this node leads the quorum, hands leadership over (EndQuorumEpoch) and waits up to 3 s for a new epoch. */
    void resignIfLeader() {
        if (driver.status().leaderId() != nodeId) {
            return;
        }
        driver.resign();
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

    @Override
    public void close() {
        driver.close();
        transport.close();
        log.close();
    }
}
