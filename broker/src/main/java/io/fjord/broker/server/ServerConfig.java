package io.fjord.broker.server;

import io.fjord.broker.replica.ReplicaConfig;
import io.fjord.quorum.controller.ControllerConfig;
import io.fjord.quorum.raft.RaftConfig;
import io.fjord.storage.log.LogConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node's configuration with Kafka's key names, from a properties or YAML file, environment variables and
 * {@code -Dfjord.*} properties ({@link ConfigSources}, bound by Micronaut to {@link FjordProperties}). The keys:
 * <pre>
 * node.id=1                                      required
 * process.roles=broker,controller                required: controller, broker, or both (a combined node)
 * log.dirs=/var/lib/fjord                        required; the first holds the metadata log
 * controller.quorum.election.timeout.ms=1000     base election timeout (randomized up to twice this)
 * controller.quorum.fetch.timeout.ms=2000        a follower that hears nothing for this long starts an election
 * controller.quorum.request.timeout.ms=500       an unanswered quorum request is sent again after this long
 * metadata.log.max.record.bytes.between.snapshots=20971520   snapshot after this many bytes of records
 * broker.session.timeout.ms=9000                 a broker without a heartbeat for this long is fenced
 * unclean.leader.election.enable=false           elect out-of-ISR replicas when no ISR member can lead
 * auto.leader.rebalance.enable=true              move leadership back to preferred replicas periodically
 * leader.imbalance.check.interval.seconds=300    how often
 * listeners=CLIENT://127.0.0.1:9092              a broker's client listener, registered with the controller
 * advertised.listeners=CLIENT://host:9092        what clients are told to connect to (default: listeners; set it
 *                                                when listening on 0.0.0.0 or behind a Kubernetes service)
 * broker.heartbeat.interval.ms=2000              how often a broker heartbeats to the active controller
 * management.port=8080                           management HTTP (/health, /quorum) on 127.0.0.1; 0 any free
 *                                                port, -1 off
 * auto.create.topics.enable=true                 a broker creates a topic a producer or consumer first asks for
 * num.partitions=1                               partitions of an auto-created topic (and of a create without a count)
 * default.replication.factor=1                   replicas of an auto-created topic (and of a create without one);
 *                                                only 1 until brokers replicate to each other
 * message.max.bytes=1048588                      the largest record batch a producer may send (topic: max.message.bytes)
 * min.insync.replicas=1                          acks=all needs this many in-sync replicas (topic override: same key)
 * replica.lag.time.max.ms=30000                  a follower not caught up for this long leaves the ISR
 * log.segment.bytes=1073741824                   segment size (topic: segment.bytes)
 * log.retention.ms=604800000                     delete segments older than this; -1 keeps them (topic: retention.ms)
 * log.retention.bytes=-1                         keep at most this much per partition; -1 unlimited (retention.bytes)
 * log.flush.interval.messages=9223372036854775807  fsync after this many records (Kafka's default: leave it to
 *                                                the OS and to replication; topic: flush.messages)
 * log.flush.interval.ms=9223372036854775807      fsync after this long (topic: flush.ms)
 * quorum.records.api.enable=false                instead of the cluster metadata controller, run the QuorumRecords
 *                                                tool API (opaque records; quorum tests and benchmarks only)
 * </pre>
 * The controller listener is the host and port this node has in the voter set written by {@code fjord format}.
 * Every problem is reported in one line naming the key, the value and what is allowed.
 */
public record ServerConfig(int nodeId, Set<Role> roles, List<Path> logDirs, RaftConfig raft, long snapshotIntervalBytes,
                           ControllerConfig controller, long autoRebalanceIntervalMs, boolean recordsApiEnabled,
                           Listener clientListener, long brokerHeartbeatIntervalMs, int managementPort,
                           BrokerDefaults brokerDefaults, ReplicaConfig replica, Listener advertisedListener) {
    /** What a node runs ({@code process.roles}). */
    public enum Role { CONTROLLER, BROKER }

    /** What a broker uses when a request leaves a choice to it. */
    public record BrokerDefaults(boolean autoCreateTopics, int numPartitions, short defaultReplicationFactor) {
    }

    public boolean hasRole(Role role) {
        return roles.contains(role);
    }

    /** A listener, {@code NAME://host:port}. */
    public record Listener(String name, String host, int port) {
        static Listener parse(String text) {
            return parse("listeners", text);
        }

        static Listener parse(String key, String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)://([^:/]+):(\\d{1,5})")
                    .matcher(text.trim());
            if (!m.matches() || Integer.parseInt(m.group(3)) > 65535) {
                throw new IllegalArgumentException(key + "=" + text + " is not allowed: NAME://host:port, e.g."
                        + " CLIENT://127.0.0.1:9092");
            }
            return new Listener(m.group(1), m.group(2), Integer.parseInt(m.group(3)));
        }
    }

    private static final Set<String> KNOWN = Set.of("node.id", "process.roles", "log.dirs",
            "controller.quorum.election.timeout.ms", "controller.quorum.fetch.timeout.ms",
            "controller.quorum.request.timeout.ms", "metadata.log.max.record.bytes.between.snapshots",
            "broker.session.timeout.ms", "unclean.leader.election.enable", "auto.leader.rebalance.enable",
            "leader.imbalance.check.interval.seconds", "quorum.records.api.enable", "listeners",
            "broker.heartbeat.interval.ms", "management.port", "advertised.listeners", "auto.create.topics.enable",
            "num.partitions",
            "default.replication.factor", "message.max.bytes", "min.insync.replicas", "replica.lag.time.max.ms",
            "log.segment.bytes", "log.retention.ms", "log.retention.bytes", "log.flush.interval.messages",
            "log.flush.interval.ms");

    /** Every configuration key there is. */
    static java.util.Set<String> knownKeys() {
        return KNOWN;
    }

    /**
     * The configuration from {@code file} (properties or YAML; null for none), then environment variables, then
     * {@code -Dfjord.*} system properties ({@link ConfigSources}).
     *
     * @throws IllegalArgumentException with the one-line explanation
     */
    public static ServerConfig load(Path file) {
        return load(file, new Properties(), new Properties());
    }

    /**
     * As {@link #load(Path)}, between two more layers: {@code defaults} below everything, {@code fixed} above
     * everything ({@code fjord dev}: its tuned timeouts can be overridden, its command-line options cannot).
     */
    public static ServerConfig load(Path file, Properties defaults, Properties fixed) {
        Properties resolved = new Properties();
        resolved.putAll(defaults);
        resolved.putAll(ConfigSources.resolve(file, System.getenv(), System.getProperties()));
        resolved.putAll(fixed);
        return from(resolved);
    }

    public static ServerConfig from(Properties props) {
        Set<String> unknown = new TreeSet<>(props.stringPropertyNames());
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown configuration key " + unknown.iterator().next()
                    + "; known keys: " + new TreeSet<>(KNOWN));
        }
        Set<Role> roles = roles(required(props, "process.roles"));
        int nodeId = (int) number(props, "node.id", null, 0, Integer.MAX_VALUE);
        List<Path> dirs = new ArrayList<>();
        for (String dir : required(props, "log.dirs").split(",")) {
            if (!dir.isBlank()) {
                dirs.add(Path.of(dir.trim()));
            }
        }
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException("log.dirs is empty: give at least one directory");
        }
        long election = number(props, "controller.quorum.election.timeout.ms", 1000L, 10, 600_000);
        long fetch = number(props, "controller.quorum.fetch.timeout.ms", 2000L, 10, 600_000);
        long request = number(props, "controller.quorum.request.timeout.ms", 500L, 10, 600_000);
        if (request / 2 >= fetch) {
            throw new IllegalArgumentException("controller.quorum.request.timeout.ms=" + request + " is not allowed with"
                    + " controller.quorum.fetch.timeout.ms=" + fetch + ": half the request timeout (a follower's long"
                    + " poll) must be below the fetch timeout");
        }
        long snapshotBytes = number(props, "metadata.log.max.record.bytes.between.snapshots", 20L << 20, 1,
                Long.MAX_VALUE);
        long sessionMs = number(props, "broker.session.timeout.ms", 9000L, 100, 3_600_000);
        boolean unclean = bool(props, "unclean.leader.election.enable", false);
        boolean rebalance = bool(props, "auto.leader.rebalance.enable", true);
        long rebalanceSeconds = number(props, "leader.imbalance.check.interval.seconds", 300L, 1, 86_400);
        Listener client = Listener.parse(props.getProperty("listeners", "CLIENT://127.0.0.1:9092"));
        long heartbeatMs = number(props, "broker.heartbeat.interval.ms", 2000L, 10, 600_000);
        BrokerDefaults defaults = new BrokerDefaults(bool(props, "auto.create.topics.enable", true),
                (int) number(props, "num.partitions", 1L, 1, 10_000),
                (short) number(props, "default.replication.factor", 1L, 1, 1));
        return new ServerConfig(nodeId, roles, List.copyOf(dirs), new RaftConfig(election, fetch, request, 500, 1 << 20),
                snapshotBytes, new ControllerConfig(sessionMs, unclean, 1000),
                rebalance ? rebalanceSeconds * 1000 : 0, bool(props, "quorum.records.api.enable", false), client,
                heartbeatMs, (int) number(props, "management.port", 8080L, -1, 65535), defaults, replica(props),
                props.getProperty("advertised.listeners") == null ? null
                        : Listener.parse("advertised.listeners", props.getProperty("advertised.listeners")));
    }

    private static ReplicaConfig replica(Properties props) {
        LogConfig log = LogConfig.defaults();
        java.util.Map<String, String> logKeys = java.util.Map.of("log.segment.bytes", "segment.bytes",
                "log.retention.ms", "retention.ms", "log.retention.bytes", "retention.bytes",
                "log.flush.interval.messages", "flush.messages", "log.flush.interval.ms", "flush.ms");
        for (java.util.Map.Entry<String, String> key : new java.util.TreeMap<>(logKeys).entrySet()) {
            String value = props.getProperty(key.getKey());
            if (value != null) {
                try {
                    log = log.withOverrides(java.util.Map.of(key.getValue(), value.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(key.getKey() + "=" + value + " is not allowed: "
                            + e.getMessage().replace(key.getValue(), key.getKey()));
                }
            }
        }
        ReplicaConfig defaults = ReplicaConfig.defaults();
        return new ReplicaConfig((int) number(props, "min.insync.replicas", 1L, 1, Short.MAX_VALUE),
                (int) number(props, "message.max.bytes", (long) ReplicaConfig.DEFAULT_MESSAGE_MAX_BYTES, 0,
                        Integer.MAX_VALUE),
                number(props, "replica.lag.time.max.ms", ReplicaConfig.DEFAULT_REPLICA_LAG_TIME_MAX_MS, 1,
                        Long.MAX_VALUE), log, defaults.fetchMaxBytes(), defaults.requestTimeoutMs(),
                defaults.fetchMaxWaitMs(), defaults.highWatermarkCheckpointIntervalMs(),
                defaults.logRetentionCheckIntervalMs()).validate();
    }

    private static Set<Role> roles(String text) {
        Set<Role> roles = java.util.EnumSet.noneOf(Role.class);
        for (String part : text.split(",")) {
            String name = part.trim();
            if (name.equals("controller")) {
                roles.add(Role.CONTROLLER);
            } else if (name.equals("broker")) {
                roles.add(Role.BROKER);
            } else {
                throw new IllegalArgumentException("process.roles=" + text + " is not allowed: 'controller', 'broker'"
                        + " or 'broker,controller' (a combined node)");
            }
        }
        return Set.copyOf(roles);
    }

    private static boolean bool(Properties props, String key, boolean fallback) {
        String value = props.getProperty(key, String.valueOf(fallback)).trim();
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + "=" + value + " is not allowed: true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static String required(Properties props, String key) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return value;
    }

    private static long number(Properties props, String key, Long fallback, long min, long max) {
        String text = fallback == null ? required(props, key) : props.getProperty(key, String.valueOf(fallback));
        try {
            long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + "=" + text + " is not allowed: an integer from " + min + " to " + max);
    }
}
