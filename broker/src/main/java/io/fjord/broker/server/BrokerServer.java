package io.fjord.broker.server;

import io.fjord.broker.api.AdminGrpcService;
import io.fjord.broker.api.ClientApi;
import io.fjord.broker.api.GrpcErrors;
import io.fjord.broker.replica.ReplicaConfig;
import io.fjord.broker.replica.ReplicaManager;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.time.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.fjord.broker.api.ClusterView;
import io.fjord.broker.api.ConfigDescriber;
import io.fjord.broker.api.MetadataGrpcService;
import io.fjord.broker.api.TopicDefaults;
import io.fjord.proto.internal.v1.ControllerError;
import io.fjord.proto.internal.v1.ControllerGrpc;
import io.fjord.quorum.config.VoterSet;
import io.fjord.quorum.metadata.MetadataImage;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The broker role: follows the metadata log (its own observer, or the combined node's quorum member), registers
 * and heartbeats with the active controller, and serves the client API ({@code fjord.v1}) on the client listener,
 * with the standard gRPC health service (SERVING once this broker is unfenced) and server reflection.
 * {@link #close} asks for a controlled shutdown first.
 */
final class BrokerServer implements ClusterView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);
    /** Kafka's socket.request.max.bytes: the largest request the client listener accepts. */
    static final int MAX_REQUEST_BYTES = 100 << 20;

    private final ServerConfig config;
    private final String clusterId;
    private final RaftManager raft;
    private final BrokerMetadataPublisher metadata;
    private final ReplicaManager replicas;
    private final ControllerClient controllers;
    private final BrokerLifecycle lifecycle;
    private final HealthStatusManager health = new HealthStatusManager();
    private final Server server;

    /**
     * @param ownsSnapshots whether this broker's metadata follower writes metadata snapshots (a broker-only node);
     *                      in a combined node the controller does
     * @param registry      where the broker's metrics go
     * @throws UncheckedIOException if the client listener cannot be bound
     */
    BrokerServer(ServerConfig config, String clusterId, RaftManager raft, VoterSet voters, boolean ownsSnapshots,
                 MeterRegistry registry) {
        this.config = config;
        this.clusterId = clusterId;
        this.raft = raft;
        this.replicas = new ReplicaManager(config.nodeId(), config.logDirs(), config.replica(), Clock.SYSTEM);
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        BrokerMetadataPublisher.Listener serving = (image, changes) -> health.setStatus(
                HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
                image.isUnfenced(config.nodeId()) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        this.metadata = new BrokerMetadataPublisher(config.nodeId(), raft.driver(),
                ownsSnapshots ? config.snapshotIntervalBytes() : Long.MAX_VALUE,
                List.of(replicas::onMetadata, serving));
        this.controllers = new ControllerClient(voters);
        ServerConfig.Listener listener = config.clientListener();
        ServerConfig.BrokerDefaults defaults = config.brokerDefaults();
        TopicDefaults topicDefaultsForRequests = new TopicDefaults(defaults.autoCreateTopics(),
                defaults.numPartitions(), defaults.defaultReplicationFactor());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(listener.host(),
                        listener.port()))
                .maxInboundMessageSize(MAX_REQUEST_BYTES)
                .addService(GrpcErrors.guarded(new MetadataGrpcService(this, topicDefaultsForRequests).bindService()))
                .addService(GrpcErrors.guarded(new AdminGrpcService(this, topicDefaultsForRequests,
                        new ConfigDescriber(config.nodeId(), topicDefaults(config.replica()), brokerConfig(config)))
                        .bindService()))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance());
        ClientApi.addTo(builder, replicas, registry, MAX_REQUEST_BYTES);
        try {
            this.server = builder.build().start();
        } catch (IOException e) {
            metadata.close();
            controllers.close();
            replicas.close();
            throw new UncheckedIOException("cannot listen on " + listener.host() + ":" + listener.port()
                    + " (the client listener, listeners=" + listener.name() + "://" + listener.host() + ":"
                    + listener.port() + "): " + e.getMessage(), e);
        }
        ServerConfig.Listener advertised = config.advertisedListener() != null ? config.advertisedListener()
                : new ServerConfig.Listener(listener.name(), listener.host(), server.getPort());
        this.lifecycle = new BrokerLifecycle(config.nodeId(), advertised, controllers, metadata::appliedOffset,
                config.brokerHeartbeatIntervalMs());
        LOG.info("[Broker {}] client listener on {}:{}", config.nodeId(), listener.host(), server.getPort());
    }

    /** What a topic without overrides gets: the broker's log defaults and min.insync.replicas. */
    static Map<String, String> topicDefaults(ReplicaConfig replica) {
        LogConfig log = replica.brokerLogConfig();
        Map<String, String> out = new TreeMap<>();
        out.put("segment.bytes", String.valueOf(log.segmentBytes()));
        out.put("segment.ms", String.valueOf(log.segmentMs()));
        out.put("index.interval.bytes", String.valueOf(log.indexIntervalBytes()));
        out.put("segment.index.bytes", String.valueOf(log.maxIndexSizeBytes()));
        out.put("retention.ms", String.valueOf(log.retentionMs()));
        out.put("retention.bytes", String.valueOf(log.retentionBytes()));
        out.put("max.message.bytes", String.valueOf(log.maxMessageBytes()));
        out.put("flush.messages", String.valueOf(log.flushMessages()));
        out.put("flush.ms", String.valueOf(log.flushMs()));
        out.put("min.insync.replicas", String.valueOf(replica.defaultMinInsyncReplicas()));
        out.put("cleanup.policy", "delete");
        return out;
    }

    /** The broker's static configuration as DescribeConfigs shows it (Kafka's key names). */
    static Map<String, String> brokerConfig(ServerConfig config) {
        Map<String, String> out = new TreeMap<>();
        out.put("node.id", String.valueOf(config.nodeId()));
        out.put("process.roles", config.roles().stream().map(r -> r.name().toLowerCase(java.util.Locale.ROOT))
                .sorted().collect(java.util.stream.Collectors.joining(",")));
        out.put("log.dirs", config.logDirs().stream().map(Object::toString)
                .collect(java.util.stream.Collectors.joining(",")));
        ServerConfig.Listener l = config.clientListener();
        out.put("listeners", l.name() + "://" + l.host() + ":" + l.port());
        ServerConfig.BrokerDefaults d = config.brokerDefaults();
        out.put("auto.create.topics.enable", String.valueOf(d.autoCreateTopics()));
        out.put("num.partitions", String.valueOf(d.numPartitions()));
        out.put("default.replication.factor", String.valueOf(d.defaultReplicationFactor()));
        out.put("message.max.bytes", String.valueOf(config.replica().messageMaxBytes()));
        out.put("min.insync.replicas", String.valueOf(config.replica().defaultMinInsyncReplicas()));
        out.put("replica.lag.time.max.ms", String.valueOf(config.replica().replicaLagTimeMaxMs()));
        topicDefaults(config.replica()).forEach((k, v) -> {
            if (!k.equals("min.insync.replicas") && !k.equals("max.message.bytes")) {
                out.put("log." + k, v); // the broker-wide default of each topic-level log setting
            }
        });
        return out;
    }

    ReplicaManager replicas() {
        return replicas;
    }

    int port() {
        return server.getPort();
    }

    boolean isFenced() {
        return lifecycle.isFenced();
    }

    long appliedMetadataOffset() {
        return metadata.appliedOffset();
    }

    @Override
    public String clusterId() {
        return clusterId;
    }

    @Override
    public String listenerName() {
        return config.clientListener().name();
    }

    @Override
    public MetadataImage image() {
        return metadata.image();
    }

    @Override
    public int activeControllerId() {
        return raft.driver().status().leaderId();
    }

    @Override
    public MetadataImage awaitImage(Predicate<MetadataImage> until, long timeoutMs) throws InterruptedException {
        return metadata.awaitImage(until, timeoutMs);
    }

    @Override
    public <T> T callController(Function<ControllerGrpc.ControllerBlockingStub, T> rpc,
                                Function<T, ControllerError> error, long timeoutMs) throws InterruptedException {
        return controllers.call(rpc, error, timeoutMs);
    }

    /** Controlled shutdown (up to 30 s for the controller to move leaderships away), then stop serving. */
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
        health.enterTerminalState();
        server.shutdown();
        lifecycle.close();
        controllers.close();
        metadata.close();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        replicas.close();
    }
}
