package io.fjord.broker.cli;

import io.fjord.broker.server.FjordNode;
import io.fjord.broker.server.ServerConfig;
import io.fjord.quorum.config.DirectoryIds;
import io.fjord.quorum.config.VoterSet;
import io.fjord.storage.manager.Formatter;
import io.fjord.storage.manager.MetaProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code fjord dev}: the embedded single-node default, a combined node (controller and broker) on the default
 * ports. It formats the data directory on first use (the only command that formats by itself: a one-voter quorum
 * of this node), starts, waits until the broker serves, prints one ready line, and runs until Ctrl-C (which stops
 * it cleanly). Data survives restarts. Other settings come from {@code FJORD_*} environment variables and
 * {@code -Dfjord.*} properties, as for {@code fjord server}.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Start the embedded single-node Fjord: a combined controller and broker, data in ./fjord-data.")
final class DevCommand implements Callable<Integer> {
    static final int NODE_ID = 1;
    private static final long READY_TIMEOUT_MS = 60_000;

    @Option(names = "--data-dir", defaultValue = "fjord-data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "9092", description = "Client listener port (default: ${DEFAULT-VALUE}).")
    int clientPort;

    @Option(names = "--controller-port", defaultValue = "9093",
            description = "Controller listener port, fixed when the data directory is formatted (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--management-port", defaultValue = "8080",
            description = "Management HTTP port (/health, /prometheus, /quorum); -1 for none (default: ${DEFAULT-VALUE}).")
    int managementPort;

    @Override
    public Integer call() throws InterruptedException {
        logWarningsOnlyUnlessSet();
        prepare();
        FjordNode node = new FjordNode(ServerConfig.load(null, tunedDefaults(),
                nodeOptions(dataDir, clientPort, managementPort)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Fjord dev: stopping...");
            node.close();
            System.out.println("Fjord dev: stopped; data kept in " + dataDir.toAbsolutePath());
            stopped.countDown();
        }, "fjord-dev-shutdown"));
        if (!node.awaitBrokerReady(READY_TIMEOUT_MS)) {
            System.err.println("Fjord dev: the broker did not become ready within " + READY_TIMEOUT_MS / 1000
                    + " s; see the log above");
            return 1;
        }
        String bootstrap = "localhost:" + node.clientPort();
        System.out.println("Fjord dev ready on " + bootstrap + " (data in " + dataDir.toAbsolutePath()
                + (node.managementPort() >= 0 ? ", management http://localhost:" + node.managementPort() : "")
                + "). Try: echo hello | ./fjord produce demo   then   ./fjord consume demo --from-beginning."
                + " Ctrl-C stops.");
        stopped.await();
        return 0;
    }

    /** Formats on first use: a new cluster whose metadata quorum is this one node. */
    private void prepare() {
        MetaProperties identity = MetaProperties.read(dataDir);
        if (identity == null) {
            SecureRandom random = new SecureRandom();
            String clusterId = MetaProperties.randomId(random);
            String directoryId = MetaProperties.randomId(random);
            Formatter.format(dataDir, clusterId, NODE_ID, directoryId);
            System.out.println("Fjord dev: formatted " + dataDir.toAbsolutePath() + " for a new single-node cluster "
                    + clusterId);
            identity = MetaProperties.read(dataDir);
        }
        if (!Files.exists(dataDir.resolve(VoterSet.FILE_NAME))) {
            // formatted by an early release that had no quorum yet: this node is its only voter
            VoterSet.parse(NODE_ID + "@127.0.0.1:" + controllerPort + ":"
                    + DirectoryIds.format(DirectoryIds.parse(identity.directoryId()))).write(dataDir);
        }
    }

    /** One ready line; problems still show. {@code FJORD_LOG_LEVEL} chooses otherwise. */
    static void logWarningsOnlyUnlessSet() {
        if (System.getProperty("FJORD_LOG_LEVEL") == null && System.getenv("FJORD_LOG_LEVEL") == null) {
            System.setProperty("FJORD_LOG_LEVEL", "WARN");
        }
    }

    /** What the options decide: the combined node; environment variables and {@code -Dfjord.*} cannot change it. */
    static Properties nodeOptions(Path dataDir, int clientPort, int managementPort) {
        Properties p = new Properties();
        p.setProperty("node.id", String.valueOf(NODE_ID));
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("log.dirs", dataDir.toString());
        p.setProperty("listeners", "CLIENT://127.0.0.1:" + clientPort);
        p.setProperty("management.port", String.valueOf(managementPort));
        return p;
    }

    /** One voter: nobody to wait for, so elect and unfence quickly. Overridable like any other key. */
    static Properties tunedDefaults() {
        Properties p = new Properties();
        p.setProperty("controller.quorum.election.timeout.ms", "100");
        p.setProperty("broker.heartbeat.interval.ms", "500");
        return p;
    }
}
