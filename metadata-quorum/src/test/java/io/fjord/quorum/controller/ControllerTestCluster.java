package io.fjord.quorum.controller;

import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.quorum.controller.BrokerControl.HeartbeatAnswer;
import io.fjord.quorum.controller.BrokerControl.Registration;
import io.fjord.quorum.controller.TopicControl.TopicResult;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.quorum.metadata.TopicImage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A controller scenario: "events in, records out". It holds a metadata image, the active controller's in-memory
 * {@link BrokerHeartbeats} and a fake clock; every step asks one pure decision for its result, appends the records as
 * one quorum entry (the image's end offset plus one) and applies them, as the controller does once they commit.
 * After every applied entry it checks {@link ControllerInvariants}. Failed decisions must append nothing.
 *
 * <pre>{@code
 * ControllerTestCluster c = ControllerTestCluster.create().withBrokers(1, 2, 3).withTopic("orders", 3, 3);
 * c.advance(SESSION_TIMEOUT_MS).heartbeatAllBut(1).fenceExpired();
 * }</pre>
 *
 * Not thread-safe.
 */
final class ControllerTestCluster {
    static final long SESSION_TIMEOUT_MS = 9_000;
    static final int PRODUCER_ID_BLOCK = 1_000;

    private final ControllerConfig config;
    private final SplittableRandom random;
    private final Map<Integer, UUID> incarnations = new TreeMap<>();
    private final List<List<MetadataRecord>> log = new ArrayList<>();
    private BrokerHeartbeats heartbeats = new BrokerHeartbeats();
    private BrokerControl brokerControl;
    private MetadataImage image = MetadataImage.EMPTY;
    private long nowMs = 1_000_000;

    private ControllerTestCluster(ControllerConfig config, long seed) {
        this.config = config;
        this.random = new SplittableRandom(seed);
        this.brokerControl = new BrokerControl(config, heartbeats);
    }

    static ControllerTestCluster create() {
        return create(false);
    }

    /** A cluster whose default for {@code unclean.leader.election.enable} is {@code uncleanByDefault}. */
    static ControllerTestCluster create(boolean uncleanByDefault) {
        return new ControllerTestCluster(new ControllerConfig(SESSION_TIMEOUT_MS, uncleanByDefault, PRODUCER_ID_BLOCK),
                42);
    }

    static ControllerTestCluster seeded(long seed) {
        return new ControllerTestCluster(new ControllerConfig(SESSION_TIMEOUT_MS, false, PRODUCER_ID_BLOCK), seed);
    }

    // ---- fluent set-up: each step must succeed

    /** Registers the brokers (without racks) and unfences them with a caught-up heartbeat. */
    ControllerTestCluster withBrokers(int... ids) {
        for (int id : ids) {
            withBroker(id, null);
        }
        return this;
    }

    /** Registers one broker on {@code rack} (null: none) and unfences it. */
    ControllerTestCluster withBroker(int id, String rack) {
        assertOk(register(id, rack).response().error());
        HeartbeatAnswer answer = heartbeat(id).response();
        assertOk(answer.error());
        assertFalse(answer.fenced(), "broker " + id + " was not unfenced: " + answer);
        return this;
    }

    /** Registers a broker and leaves it fenced (it never heartbeats). */
    ControllerTestCluster withFencedBroker(int id) {
        assertOk(register(id, null).response().error());
        return this;
    }

    ControllerTestCluster withTopic(String name, int partitions, int replicationFactor) {
        return withTopic(name, partitions, replicationFactor, Map.of());
    }

    ControllerTestCluster withTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
        assertOk(createTopic(name, partitions, replicationFactor, configs).response().error());
        return this;
    }

    /** Moves the fake clock forward. */
    ControllerTestCluster advance(long ms) {
        nowMs += ms;
        return this;
    }

    /** Caught-up heartbeats from every unfenced broker except {@code silent}, keeping their sessions alive. */
    ControllerTestCluster heartbeatAllBut(int... silent) {
        for (BrokerRegistration b : image.brokers().values()) {
            if (!b.fenced() && Arrays.stream(silent).noneMatch(id -> id == b.id())) {
                assertOk(heartbeat(b.id()).response().error());
            }
        }
        return this;
    }

    /**
     * A controller failover: the new active controller has the same image but none of the old one's memory. Its
     * sessions start afresh, and as the image does not say where each registration's entry ended, it asks every
     * broker to catch up to the image's end before it is unfenced (a later offset than its registration: safe).
     */
    ControllerTestCluster failOver() {
        heartbeats = BrokerHeartbeats.forNewActiveController(image, nowMs);
        brokerControl = new BrokerControl(config, heartbeats);
        return this;
    }

    // ---- decisions: each result's records are applied before it is returned

    ControllerResult<Registration> register(int id, String rack) {
        return register(id, incarnations.computeIfAbsent(id, k -> new UUID(7, k)), rack);
    }

    /** Registers a new process (a new incarnation id) as broker {@code id}. */
    ControllerResult<Registration> registerNewIncarnation(int id) {
        return register(id, new UUID(random.nextLong(), random.nextLong()), null);
    }

    ControllerResult<Registration> register(int id, UUID incarnation, String rack) {
        List<BrokerRegistration.Endpoint> endpoints = List.of(new BrokerRegistration.Endpoint("CLIENT", "b" + id,
                9092));
        ControllerResult<Registration> result = commit(brokerControl.register(image, id, incarnation, endpoints,
                rack, nowMs));
        if (!result.records().isEmpty()) {
            incarnations.put(id, incarnation);
            heartbeats.requireCaughtUpTo(id, image.endOffset());
        }
        return result;
    }

    /** A heartbeat with the broker's current epoch, caught up to the image. */
    ControllerResult<HeartbeatAnswer> heartbeat(int id) {
        return heartbeat(id, epochOf(id), image.endOffset(), false);
    }

    ControllerResult<HeartbeatAnswer> heartbeat(int id, long brokerEpoch, long metadataOffset, boolean wantShutdown) {
        ControllerResult<HeartbeatAnswer> result = commit(brokerControl.heartbeat(image, id, brokerEpoch,
                metadataOffset, wantShutdown, nowMs));
        if (wantShutdown && !result.records().isEmpty() && !result.response().shouldShutDown()) {
            heartbeats.requireCaughtUpTo(id, image.endOffset()); // as the controller does once they commit
        }
        return result;
    }

    /**
     * A controlled shutdown as a broker runs it: heartbeats asking to shut down, each after applying the metadata,
     * until released (at most three). Returns every record appended on the way and the last answer.
     */
    ControllerResult<HeartbeatAnswer> shutdown(int id) {
        List<io.fjord.proto.internal.v1.MetadataRecord> records = new java.util.ArrayList<>();
        ControllerResult<HeartbeatAnswer> last = null;
        for (int round = 0; round < 3 && (last == null || !last.response().shouldShutDown()); round++) {
            last = heartbeat(id, epochOf(id), image.endOffset(), true);
            records.addAll(last.records());
            if (!last.response().error().isSuccess()) {
                break;
            }
        }
        return new ControllerResult<>(records, last.response());
    }

    ControllerResult<List<Integer>> fenceExpired() {
        return commit(brokerControl.fenceExpired(image, nowMs));
    }

    ControllerResult<Long> allocateProducerIds(int id) {
        return allocateProducerIds(id, epochOf(id));
    }

    ControllerResult<Long> allocateProducerIds(int id, long brokerEpoch) {
        return commit(brokerControl.allocateProducerIds(image, id, brokerEpoch));
    }

    ControllerResult<TopicResult> createTopic(String name, int partitions, int replicationFactor) {
        return createTopic(name, partitions, replicationFactor, Map.of());
    }

    ControllerResult<TopicResult> createTopic(String name, int partitions, int replicationFactor,
                                              Map<String, String> configs) {
        return commit(TopicControl.createTopic(image, name, partitions, replicationFactor, configs, random));
    }

    ControllerResult<TopicResult> deleteTopic(String name) {
        return commit(TopicControl.deleteTopic(image, name));
    }

    ControllerResult<TopicResult> createPartitions(String name, int totalPartitions) {
        return commit(TopicControl.createPartitions(image, name, totalPartitions));
    }

    ControllerResult<TopicResult> alterConfigs(String name, Map<String, String> set, Set<String> delete) {
        return commit(TopicControl.alterConfigs(image, name, set, delete));
    }

    /** An AlterPartition from the partition's current leader with every epoch current. */
    ControllerResult<ApiError> alterPartition(String topic, int partition, List<Integer> newIsr) {
        PartitionRegistration p = partition(topic, partition);
        return alterPartition(p.leader(), epochOf(p.leader()), topic, partition, p.leaderEpoch(), p.partitionEpoch(),
                newIsr);
    }

    ControllerResult<ApiError> alterPartition(int brokerId, long brokerEpoch, String topic, int partition,
                                              int leaderEpoch, int partitionEpoch, List<Integer> newIsr) {
        io.fjord.quorum.metadata.TopicImage t = image.topic(topic);
        return commit(PartitionControl.alterPartition(image, brokerId, brokerEpoch, t == null ? new java.util.UUID(0, 0)
                : t.id(), topic, partition, leaderEpoch, partitionEpoch, newIsr));
    }

    ControllerResult<Integer> electPreferredLeaders() {
        return commit(PartitionControl.electPreferredLeaders(image));
    }

    // ---- reading the state

    MetadataImage image() {
        return image;
    }

    /** Every entry appended so far, in order: replayed from the empty image they rebuild {@link #image()}. */
    List<List<MetadataRecord>> log() {
        return List.copyOf(log);
    }

    long nowMs() {
        return nowMs;
    }

    BrokerRegistration broker(int id) {
        return image.brokers().get(id);
    }

    long epochOf(int id) {
        BrokerRegistration b = image.brokers().get(id);
        return b == null ? -1 : b.epoch();
    }

    PartitionRegistration partition(String topic, int partition) {
        TopicImage t = image.topic(topic);
        return t == null ? null : t.partitions().get(partition);
    }

    /** The partitions of {@code topic} that {@code brokerId} leads. */
    List<Integer> ledBy(String topic, int brokerId) {
        List<Integer> out = new ArrayList<>();
        image.topic(topic).partitions().forEach((id, p) -> {
            if (p.leader() == brokerId) {
                out.add(id);
            }
        });
        return out;
    }

    /** Whether {@code brokerId} is in the ISR of any partition. */
    boolean inAnyIsr(int brokerId) {
        return image.topics().values().stream().flatMap(t -> t.partitions().values().stream())
                .anyMatch(p -> p.isr().contains(brokerId));
    }

    // ---- assertions

    static void assertOk(ApiError error) {
        assertEquals(ApiError.Code.NONE, error.code(), error.message());
    }

    /** The decision failed with {@code code}, appended nothing, and the image is unchanged. */
    static void assertRefused(ApiError.Code code, ApiError error, ControllerResult<?> result) {
        assertEquals(code, error.code(), error.message());
        assertFalse(error.message().isBlank(), "an error says why");
        assertEquals(List.of(), result.records(), "a refused request appends nothing");
    }

    private <T> ControllerResult<T> commit(ControllerResult<T> result) {
        if (!result.records().isEmpty()) {
            MetadataImage before = image;
            image = image.apply(result.records(), image.endOffset() + 1);
            log.add(result.records());
            ControllerInvariants.check(before, image);
        }
        return result;
    }
}
