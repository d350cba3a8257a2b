package io.fjord.broker.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigTest {
    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("node.id", "3");
        p.setProperty("process.roles", "controller");
        p.setProperty("log.dirs", "/data/a, /data/b");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAreKafkasQuorumTimings() {
        ServerConfig config = ServerConfig.from(props());
        assertEquals(3, config.nodeId());
        assertEquals(java.util.List.of(Path.of("/data/a"), Path.of("/data/b")), config.logDirs());
        assertEquals(1000, config.raft().electionTimeoutMs());
        assertEquals(2000, config.raft().fetchTimeoutMs());
        assertEquals(20L << 20, config.snapshotIntervalBytes());
        assertFalse(config.recordsApiEnabled(), "the tool API is off unless asked for");
        assertEquals(new ServerConfig.BrokerDefaults(true, 1, (short) 1), config.brokerDefaults(), "Kafka's defaults");
    }

    @Test
    void combinedRolesAreBoth() {
        ServerConfig config = ServerConfig.from(props("process.roles", "broker, controller"));
        assertTrue(config.hasRole(ServerConfig.Role.BROKER));
        assertTrue(config.hasRole(ServerConfig.Role.CONTROLLER));
    }

    @Test
    void everyBadValueIsOneLineNamingKeyValueAndWhatIsAllowed() {
        String[][] cases = {
            {"node.id", "-1", "node.id=-1 is not allowed: an integer from 0"},
            {"controller.quorum.fetch.timeout.ms", "soon", "controller.quorum.fetch.timeout.ms=soon is not allowed"},
            {"process.roles", "broker,zookeeper", "process.roles=broker,zookeeper is not allowed: 'controller',"
                    + " 'broker' or 'broker,controller'"},
            {"num.partitions", "0", "num.partitions=0 is not allowed: an integer from 1 to 10000"},
            {"advertised.listeners", "broker-1:9092", "advertised.listeners=broker-1:9092 is not allowed: NAME://host:port"},
            {"default.replication.factor", "3", "default.replication.factor=3 is not allowed: an integer from 1 to 1"},
            {"auto.create.topics.enable", "on", "auto.create.topics.enable=on is not allowed: true or false"},
            {"listeners", "127.0.0.1:9092", "listeners=127.0.0.1:9092 is not allowed: NAME://host:port"},
            {"quorum.records.api.enable", "yes", "quorum.records.api.enable=yes is not allowed: true or false"},
            {"log.retention.hours", "1", "unknown configuration key log.retention.hours"},
            {"log.dirs", " , ", "log.dirs is empty"},
            {"controller.quorum.request.timeout.ms", "5000", "controller.quorum.request.timeout.ms=5000 is not allowed"
                    + " with controller.quorum.fetch.timeout.ms=2000"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ServerConfig.from(props(c[0], c[1])), c[0]);
            assertTrue(e.getMessage().startsWith(c[2]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
    }

    @Test
    void yamlThenEnvironmentThenSystemPropertiesLikeMicronaut(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path yaml = tmp.resolve("fjord.yml");
        java.nio.file.Files.writeString(yaml, """
                fjord:
                  node.id: 5
                  process:
                    roles: broker,controller
                  log:
                    dirs: [/data/a, /data/b]
                    retention.ms: 1000
                  num.partitions: 3
                """);
        Properties system = new Properties();
        system.setProperty("fjord.num.partitions", "6");
        system.setProperty("user.home", "/root"); // not ours: ignored
        ServerConfig config = ServerConfig.from(ConfigSources.resolve(yaml,
                java.util.Map.of("FJORD_LOG_RETENTION_MS", "2000", "FJORD_MIN_INSYNC_REPLICAS", "1",
                        "FJORD_LOG_LEVEL", "INFO", "FJORD_SOME_OTHER_TOOL", "x", "HOME", "/root"),
                system));
        assertEquals(5, config.nodeId());
        assertTrue(config.hasRole(ServerConfig.Role.CONTROLLER) && config.hasRole(ServerConfig.Role.BROKER));
        assertEquals(java.util.List.of(Path.of("/data/a"), Path.of("/data/b")), config.logDirs());
        assertEquals(2000, config.replica().logDefaults().retentionMs(), "the environment overrides the file");
        assertEquals(6, config.brokerDefaults().numPartitions(), "-D overrides the file");

        Properties systemOverEnv = new Properties();
        systemOverEnv.setProperty("fjord.log.retention.ms", "3000");
        systemOverEnv.setProperty("fjord.test.seed", "42"); // the test harness's, not a node setting
        assertEquals(3000, ServerConfig.from(ConfigSources.resolve(yaml, java.util.Map.of("FJORD_LOG_RETENTION_MS",
                "2000"), systemOverEnv)).replica().logDefaults().retentionMs(), "-D overrides the environment");

        Properties typo = new Properties();
        typo.setProperty("fjord.num.partition", "6");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.from(
                ConfigSources.resolve(yaml, java.util.Map.of(), typo)));
        assertTrue(e.getMessage().startsWith("unknown configuration key num.partition"), e.getMessage());

        java.nio.file.Files.writeString(yaml, "fjord:\n  num.partitons: 2\n");
        IllegalArgumentException fileTypo = assertThrows(IllegalArgumentException.class, () -> ServerConfig.from(
                ConfigSources.resolve(yaml, java.util.Map.of(), new Properties())));
        assertTrue(fileTypo.getMessage().startsWith("unknown configuration key num.partitons"), fileTypo.getMessage());

        java.nio.file.Files.writeString(yaml, "fjord: [1, 2]");
        IllegalArgumentException notAMap = assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(yaml));
        assertTrue(notAMap.getMessage().contains("fjord.yml"), notAMap.getMessage());
    }

    @Test
    void anUnresolvablePlaceholderIsOneLineNamingTheKey() {
        Properties system = new Properties();
        system.setProperty("fjord.log.dirs", "/data/${NOT_DEFINED_ANYWHERE}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.from(ConfigSources.resolve(null, java.util.Map.of(), system)));
        assertTrue(e.getMessage().startsWith("log.dirs: ") && e.getMessage().contains("NOT_DEFINED_ANYWHERE")
                && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(Path.of("/nonexistent/fjord.properties")));
        assertTrue(e.getMessage().contains("/nonexistent/fjord.properties does not exist"), e.getMessage());
    }
}
