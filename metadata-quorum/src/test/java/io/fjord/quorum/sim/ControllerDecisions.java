package io.fjord.quorum.sim;

import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.quorum.controller.ApiError;
import io.fjord.quorum.controller.BrokerControl;
import io.fjord.quorum.controller.BrokerHeartbeats;
import io.fjord.quorum.controller.ControllerConfig;
import io.fjord.quorum.controller.ControllerResult;
import io.fjord.quorum.controller.PartitionControl;
import io.fjord.quorum.controller.TopicConfigs;
import io.fjord.quorum.controller.TopicControl;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.quorum.metadata.TopicImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongFunction;

import static io.fjord.quorum.controller.ApiError.Code.STALE_BROKER_EPOCH;

/**
 * Random requests to the active controller, each decided by the production decision code over the pending image:
 * broker registration, heartbeats (unfencing caught-up brokers, sometimes controlled shutdown), session expiry, topic
 * creation and deletion (names from a small set, so duplicates happen), added partitions, a partition leader's
 * AlterPartition (sometimes with stale epochs, which must be refused), preferred-leader election and producer-id
 * blocks. Checks that a refused request appends nothing. Not thread-safe.
 */
final class ControllerDecisions {
    static final int FIRST_BROKER = 101;
    static final int BROKERS = 5;
    private static final List<String> TOPICS = List.of("orders", "payments", "audit", "clicks");

    private final ControllerConfig config;

    ControllerDecisions(ControllerConfig config) {
        this.config = config;
    }

    /**
     * The records of one random decision over {@code controller}'s pending image; empty if it changes nothing or is
     * refused. {@code highWatermark} is how far brokers can have caught up, {@code committedImages} the image of the
     * committed metadata at an offset up to it; the records would go at {@code endOffset}.
     */
    List<MetadataRecord> decide(ControllerActivation controller, LongFunction<MetadataImage> committedImages,
                                long highWatermark, long endOffset, Random random, long nowMs) {
        MetadataImage image = controller.pending();
        int brokerId = FIRST_BROKER + random.nextInt(BROKERS);
        int dice = random.nextInt(100);
        if (dice < 12) {
            return register(controller, image, brokerId, endOffset, random, nowMs);
        } else if (dice < 37) {
            return heartbeat(controller.brokers(), image, brokerId, highWatermark, random, nowMs);
        } else if (dice < 45) {
            return expireSession(controller.brokers(), image, random, nowMs);
        } else if (dice < 60) {
            String name = TOPICS.get(random.nextInt(TOPICS.size()));
            Map<String, String> configs = random.nextInt(4) == 0
                    ? Map.of(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, "true") : Map.of();
            var result = TopicControl.createTopic(image, name, 1 + random.nextInt(4), 1 + random.nextInt(3), configs,
                    random);
            return records(result, result.response().error());
        } else if (dice < 65) {
            var result = TopicControl.deleteTopic(image, TOPICS.get(random.nextInt(TOPICS.size())));
            return records(result, result.response().error());
        } else if (dice < 68) {
            String name = TOPICS.get(random.nextInt(TOPICS.size()));
            TopicImage topic = image.topic(name);
            int total = (topic == null ? 1 : topic.partitions().size()) + random.nextInt(3);
            var result = TopicControl.createPartitions(image, name, total);
            return records(result, result.response().error());
        } else if (dice < 88) {
            long brokerOffset = Math.max(0, highWatermark - random.nextInt(4)); // brokers lag a little
            return alterPartition(image, committedImages.apply(brokerOffset), random);
        } else if (dice < 93) {
            return PartitionControl.electPreferredLeaders(image).records();
        } else {
            return allocateProducerIds(controller.brokers(), image, brokerId, random);
        }
    }

    /** A broker asks for a block of producer ids; now and then with a stale broker epoch, which must be refused. */
    private static List<MetadataRecord> allocateProducerIds(BrokerControl brokers, MetadataImage image, int brokerId,
                                                            Random random) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        boolean stale = broker != null && random.nextInt(5) == 0;
        long epoch = broker == null ? 1 : broker.epoch() - (stale ? 1 : 0);
        var result = brokers.allocateProducerIds(image, brokerId, epoch);
        if (stale && result.response() >= 0) {
            throw new AssertionError("broker " + brokerId + " with stale epoch " + epoch + " got producer ids: "
                    + result);
        }
        return records(result, result.response() < 0 ? ApiError.of(STALE_BROKER_EPOCH, "refused") : ApiError.NONE);
    }

    /** A broker process starts: mostly a new incarnation, sometimes a retry of the registered one. */
    private List<MetadataRecord> register(ControllerActivation controller, MetadataImage image, int brokerId,
                                          long endOffset, Random random, long nowMs) {
        BrokerRegistration existing = image.brokers().get(brokerId);
        UUID incarnation = existing != null && random.nextInt(4) == 0 ? existing.incarnationId()
                : new UUID(random.nextLong(), random.nextLong());
        var result = controller.brokers().register(image, brokerId, incarnation,
                List.of(new BrokerRegistration.Endpoint("PLAINTEXT", "broker-" + brokerId, 9092)),
                random.nextBoolean() ? "rack-" + (brokerId % 2) : null, nowMs);
        List<MetadataRecord> records = records(result, result.response().error());
        if (!records.isEmpty()) {
            // as the real controller once the registration commits: the broker must catch up to it to be unfenced
            controller.heartbeats().requireCaughtUpTo(brokerId, endOffset + 1);
        }
        return records;
    }

    /**
     * A broker heartbeats, having applied the committed metadata (or a little less); sometimes with a stale broker
     * epoch, which must be refused, and sometimes asking for a controlled shutdown.
     */
    private List<MetadataRecord> heartbeat(BrokerControl brokers, MetadataImage image, int brokerId,
                                           long highWatermark, Random random, long nowMs) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        boolean stale = broker != null && random.nextInt(10) == 0;
        long epoch = broker == null ? 1 : broker.epoch() - (stale ? 1 : 0);
        long metadataOffset = Math.max(0, highWatermark - (random.nextInt(3) == 0 ? random.nextInt(5) : 0));
        boolean wantShutdown = random.nextInt(12) == 0;
        var result = brokers.heartbeat(image, brokerId, epoch, metadataOffset, wantShutdown, nowMs);
        if (stale && result.response().error().code() != STALE_BROKER_EPOCH) {
            throw new AssertionError("a heartbeat of broker " + brokerId + " with stale epoch " + epoch
                    + " was accepted: " + result);
        }
        return records(result, result.response().error());
    }

    /**
     * Session expiry as the controller's periodic check does it: half the time over this controller's sessions,
     * half the time with sessions chosen so that exactly one random unfenced broker has lapsed.
     */
    private List<MetadataRecord> expireSession(BrokerControl brokers, MetadataImage image, Random random, long nowMs) {
        if (random.nextBoolean()) {
            return brokers.fenceExpired(image, nowMs).records();
        }
        List<Integer> unfenced = new ArrayList<>();
        image.brokers().values().stream().filter(b -> !b.fenced()).forEach(b -> unfenced.add(b.id()));
        if (unfenced.isEmpty()) {
            return List.of();
        }
        int victim = unfenced.get(random.nextInt(unfenced.size()));
        BrokerHeartbeats sessions = new BrokerHeartbeats();
        unfenced.forEach(id -> sessions.touch(id, id == victim ? nowMs - config.brokerSessionTimeoutMs() : nowMs));
        ControllerResult<List<Integer>> result = new BrokerControl(config, sessions).fenceExpired(image, nowMs);
        if (!result.response().equals(List.of(victim))) {
            throw new AssertionError("session expiry of broker " + victim + " fenced " + result.response());
        }
        return result.records();
    }

    /**
     * A partition leader shrinks or expands its ISR. It acts on what it knows: half the time the committed metadata
     * a little behind the high watermark, as brokers see it, so its epochs (or even its topic, deleted and created
     * again) may be out of date; and now and then it sends a stale epoch on purpose. A request made on anything but
     * the current state of the partition must be refused.
     */
    private List<MetadataRecord> alterPartition(MetadataImage pending, MetadataImage brokerView, Random random) {
        MetadataImage view = random.nextBoolean() ? brokerView : pending;
        List<String> led = new ArrayList<>();
        view.topics().values().forEach(t -> t.partitions().forEach((id, p) -> {
            if (p.hasLeader()) {
                led.add(t.name() + "/" + id);
            }
        }));
        if (led.isEmpty()) {
            return List.of();
        }
        String[] pick = led.get(random.nextInt(led.size())).split("/");
        TopicImage topic = view.topic(pick[0]);
        int partitionId = Integer.parseInt(pick[1]);
        PartitionRegistration p = topic.partitions().get(partitionId);
        List<Integer> isr = new ArrayList<>(p.isr());
        List<Integer> outside = new ArrayList<>(p.replicas());
        outside.removeAll(isr);
        if (isr.size() > 1 && (outside.isEmpty() || random.nextBoolean())) {
            List<Integer> followers = new ArrayList<>(isr);
            followers.remove(Integer.valueOf(p.leader()));
            isr.remove(followers.get(random.nextInt(followers.size())));
        } else if (!outside.isEmpty()) {
            isr.add(outside.get(random.nextInt(outside.size())));
        }
        int staleness = random.nextInt(10);
        long brokerEpoch = view.brokers().get(p.leader()).epoch() - (staleness == 0 ? 1 : 0);
        int leaderEpoch = p.leaderEpoch() - (staleness == 1 ? 1 : 0);
        int partitionEpoch = p.partitionEpoch() - (staleness == 2 ? 1 : 0);
        ControllerResult<ApiError> result = PartitionControl.alterPartition(pending, p.leader(), brokerEpoch,
                topic.id(), topic.name(), partitionId, leaderEpoch, partitionEpoch, isr);
        if (result.response().isSuccess()
                && !isCurrent(pending, topic.id(), topic.name(), partitionId, p.leader(), brokerEpoch, leaderEpoch,
                partitionEpoch)) {
            throw new AssertionError("a stale AlterPartition of " + topic.name() + "-" + partitionId + " (topic id "
                    + topic.id() + ", leader " + p.leader() + " with broker epoch " + brokerEpoch + ", leader epoch "
                    + leaderEpoch + ", partition epoch " + partitionEpoch + ") was accepted over " + pending.topic(
                    topic.name()) + ": " + result.records());
        }
        return records(result, result.response());
    }

    /** Whether an AlterPartition was made on the current state of the partition and its leader. */
    private static boolean isCurrent(MetadataImage pending, UUID topicId, String topicName, int partitionId, int leader,
                                     long brokerEpoch, int leaderEpoch, int partitionEpoch) {
        TopicImage topic = pending.topic(topicName);
        PartitionRegistration p = topic == null ? null : topic.partitions().get(partitionId);
        BrokerRegistration broker = pending.brokers().get(leader);
        return p != null && topic.id().equals(topicId) && p.leader() == leader && p.leaderEpoch() == leaderEpoch
                && p.partitionEpoch() == partitionEpoch && broker != null && broker.epoch() == brokerEpoch
                && !broker.fenced();
    }

    /** The records of a decision; a refused one must have none. */
    private static List<MetadataRecord> records(ControllerResult<?> result, ApiError error) {
        if (!error.isSuccess() && !result.records().isEmpty()) {
            throw new AssertionError("a refused decision appends records: " + result);
        }
        return result.records();
    }
}
