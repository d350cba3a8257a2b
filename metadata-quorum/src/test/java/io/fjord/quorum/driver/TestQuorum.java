package io.fjord.quorum.driver;

import io.fjord.quorum.log.FileQuorumStateStore;
import io.fjord.quorum.log.PartitionRaftLog;
import io.fjord.quorum.raft.RaftConfig;
import io.fjord.quorum.raft.RaftNode;
import io.fjord.quorum.sim.TestVoters;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.time.Clock;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;

/**
 * Quorum nodes of the voters {1, 2, 3} in one JVM, each a {@link QuorumDriver} on its own metadata log on real storage
 * (fsync included) under {@code dir}, over the transport the test gives each. Stops whatever is still running on
 * {@link #close}.
 */
public final class TestQuorum implements AutoCloseable {
    public static final Set<Integer> VOTERS = Set.of(1, 2, 3);
    /** Generous for a busy CI machine. */
    public static final RaftConfig CONFIG = new RaftConfig(500, 1000, 300, 500, 1 << 20);
    private static final LogConfig METADATA_LOG = LogConfig.defaults().withOverrides(Map.of(
            "retention.ms", "-1", "retention.bytes", "-1"));

    private final Path dir;
    private final Map<Integer, QuorumDriver> drivers = new TreeMap<>();
    private final Map<Integer, PartitionLog> logs = new TreeMap<>();

    public TestQuorum(Path dir) {
        this.dir = dir;
    }

    /** Starts node {@code id} (a voter, or an observer if it is not one) on its directory, as after a restart. */
    public QuorumDriver start(int id, Transport transport) {
        Path nodeDir = dir.resolve("node-" + id);
        PartitionLog log = PartitionLog.open(nodeDir.resolve("__cluster_metadata-0"), METADATA_LOG, Clock.SYSTEM);
        logs.put(id, log);
        RaftNode node = new RaftNode(id, TestVoters.directoryOf(id), TestVoters.of(VOTERS), new PartitionRaftLog(log),
                new FileQuorumStateStore(nodeDir), new Random(id), CONFIG, Clock.MONOTONIC.nowMs());
        QuorumDriver driver = new QuorumDriver(node, transport, Clock.MONOTONIC);
        drivers.put(id, driver);
        return driver;
    }

    /** Stops node {@code id}'s driver and closes its log, if it runs. */
    public void stop(int id) {
        QuorumDriver driver = drivers.remove(id);
        if (driver != null) {
            driver.close();
        }
        PartitionLog log = logs.remove(id);
        if (log != null) {
            log.close();
        }
    }

    /** The running nodes' drivers, by id. */
    public Map<Integer, QuorumDriver> drivers() {
        return drivers;
    }

    public PartitionLog log(int id) {
        return logs.get(id);
    }

    /** A running node that says it leads, or null. */
    public QuorumDriver leader() {
        return drivers.values().stream().filter(d -> d.status().state().equals("Leader")).findFirst().orElse(null);
    }

    /** Waits up to 30 s for a leader of an epoch above {@code aboveEpoch}. */
    public QuorumDriver awaitLeader(int aboveEpoch) {
        QuorumDriver[] found = new QuorumDriver[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            found[0] = leader();
            return found[0] != null && found[0].status().epoch() > aboveEpoch;
        });
        return found[0];
    }

    @Override
    public void close() {
        for (int id : new ArrayList<>(drivers.keySet())) {
            stop(id);
        }
    }
}
