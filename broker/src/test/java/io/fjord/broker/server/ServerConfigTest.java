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
    void aMissingFileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(Path.of("/nonexistent/fjord.properties")));
        assertTrue(e.getMessage().contains("/nonexistent/fjord.properties does not exist"), e.getMessage());
    }
}
