package io.fjord.broker.api;

import io.fjord.proto.internal.v1.CreatableTopic;
import io.fjord.proto.internal.v1.CreateTopicsRequest;
import io.fjord.proto.internal.v1.CreateTopicsResponse;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.MetadataRequest;
import io.fjord.proto.v1.MetadataResponse;
import io.fjord.proto.v1.MetadataServiceGrpc;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.TopicImage;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code MetadataService}: brokers and partition leaders from this broker's metadata image. Topics a request names
 * that do not exist are created first when the request allows it and {@code auto.create.topics.enable} is on
 * (with {@code num.partitions} and {@code default.replication.factor}), as a Kafka producer's first metadata request
 * does; the answer then waits briefly for the new topic's leaders so the client can produce at once.
 */
public final class MetadataGrpcService extends MetadataServiceGrpc.MetadataServiceImplBase {
    static final long CONTROLLER_TIMEOUT_MS = 30_000;
    private static final long AUTO_CREATE_WAIT_MS = 5_000;

    private final ClusterView cluster;
    private final TopicDefaults defaults;

    public MetadataGrpcService(ClusterView cluster, TopicDefaults defaults) {
        this.cluster = cluster;
        this.defaults = defaults;
    }

    @Override
    public void getMetadata(MetadataRequest request, StreamObserver<MetadataResponse> response) {
        try {
            MetadataImage image = cluster.image();
            List<String> missing = new ArrayList<>();
            for (String name : request.getTopicsList()) {
                if (image.topic(name) == null) {
                    missing.add(name);
                }
            }
            if (!missing.isEmpty() && request.getAllowAutoTopicCreation() && defaults.autoCreateTopics()) {
                image = autoCreate(missing);
            }
            response.onNext(describe(image, request.getTopicsList()));
            response.onCompleted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.onError(io.grpc.Status.CANCELLED.withDescription("the broker is stopping").asException());
        }
    }

    private MetadataImage autoCreate(List<String> names) throws InterruptedException {
        CreateTopicsRequest.Builder create = CreateTopicsRequest.newBuilder();
        for (String name : names) {
            if (TopicNames.isValid(name)) {
                create.addTopics(CreatableTopic.newBuilder().setName(name).setPartitions(defaults.numPartitions())
                        .setReplicationFactor(defaults.replicationFactor()));
            }
        }
        if (create.getTopicsCount() > 0) {
            CreateTopicsResponse created = cluster.callController(stub -> stub.createTopics(create.build()),
                    r -> r.getResultsCount() == 0 ? io.fjord.proto.internal.v1.ControllerError.getDefaultInstance()
                            : r.getResults(0).getError(), CONTROLLER_TIMEOUT_MS);
            if (created == null) {
                return cluster.image(); // answered without the topics: the client asks again
            }
        }
        return cluster.awaitImage(image -> names.stream().allMatch(n -> {
            TopicImage t = image.topic(n);
            return !TopicNames.isValid(n) || t != null
                    && t.partitions().values().stream().allMatch(p -> p.hasLeader());
        }), AUTO_CREATE_WAIT_MS);
    }

    private MetadataResponse describe(MetadataImage image, List<String> names) {
        MetadataResponse.Builder out = MetadataResponse.newBuilder().setClusterId(cluster.clusterId())
                .setControllerId(cluster.activeControllerId());
        image.brokers().values().stream().filter(b -> !b.fenced())
                .forEach(b -> MetadataViews.broker(b, cluster.listenerName()).ifPresent(out::addBrokers));
        if (names.isEmpty()) {
            image.topics().values().forEach(t -> out.addTopics(MetadataViews.topic(image, t)));
            return out.build();
        }
        for (String name : names) {
            TopicImage topic = image.topic(name);
            if (topic != null) {
                out.addTopics(MetadataViews.topic(image, topic));
            } else if (!TopicNames.isValid(name)) {
                out.addTopics(MetadataViews.unknownTopic(name, ErrorCode.INVALID_TOPIC_EXCEPTION,
                        TopicNames.problem(name)));
            } else {
                out.addTopics(MetadataViews.unknownTopic(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                        "topic '" + name + "' does not exist" + (defaults.autoCreateTopics() ? ""
                                : " (auto.create.topics.enable is off on this broker)")));
            }
        }
        return out.build();
    }
}
