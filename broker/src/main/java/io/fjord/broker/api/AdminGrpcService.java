package io.fjord.broker.api;

import io.fjord.proto.internal.v1.CreatableTopic;
import io.fjord.proto.internal.v1.ControllerError;
import io.fjord.proto.v1.AdminServiceGrpc;
import io.fjord.proto.v1.AlterConfigsRequest;
import io.fjord.proto.v1.AlterConfigsResponse;
import io.fjord.proto.v1.ConfigResource;
import io.fjord.proto.v1.ConfigResourceType;
import io.fjord.proto.v1.CreatePartitionsRequest;
import io.fjord.proto.v1.CreatePartitionsResponse;
import io.fjord.proto.v1.CreateTopicsRequest;
import io.fjord.proto.v1.CreateTopicsResponse;
import io.fjord.proto.v1.DeleteTopicsRequest;
import io.fjord.proto.v1.DeleteTopicsResponse;
import io.fjord.proto.v1.DescribeClusterRequest;
import io.fjord.proto.v1.DescribeClusterResponse;
import io.fjord.proto.v1.DescribeConfigsRequest;
import io.fjord.proto.v1.DescribeConfigsResponse;
import io.fjord.proto.v1.DescribeTopicsRequest;
import io.fjord.proto.v1.DescribeTopicsResponse;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.ListTopicsRequest;
import io.fjord.proto.v1.ListTopicsResponse;
import io.fjord.proto.v1.NewTopic;
import io.fjord.proto.v1.TopicDescription;
import io.fjord.proto.v1.TopicListing;
import io.fjord.proto.v1.TopicResult;
import io.fjord.quorum.config.DirectoryIds;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.TopicImage;
import io.fjord.quorum.metadata.Uuids;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.function.Predicate;

/**
 * {@code AdminService}: reads are answered from this broker's metadata image; writes are forwarded to the active
 * controller, and answered once committed and applied here (so a describe on this broker right after sees them).
 */
public final class AdminGrpcService extends AdminServiceGrpc.AdminServiceImplBase {
    private static final long APPLY_WAIT_MS = 5_000;

    private final ClusterView cluster;
    private final TopicDefaults defaults;
    private final ConfigDescriber configs;

    public AdminGrpcService(ClusterView cluster, TopicDefaults defaults, ConfigDescriber configs) {
        this.cluster = cluster;
        this.defaults = defaults;
        this.configs = configs;
    }

    /** A unary call's body; may wait for the controller. */
    private interface Call<T> {
        T answer() throws InterruptedException;
    }

    private static <T> void answer(StreamObserver<T> response, Call<T> call) {
        try {
            response.onNext(call.answer());
            response.onCompleted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.onError(Status.CANCELLED.withDescription("the broker is stopping").asException());
        }
    }

    @Override
    public void createTopics(CreateTopicsRequest request, StreamObserver<CreateTopicsResponse> response) {
        answer(response, () -> {
            io.fjord.proto.internal.v1.CreateTopicsRequest.Builder forward =
                    io.fjord.proto.internal.v1.CreateTopicsRequest.newBuilder();
            CreateTopicsResponse.Builder out = CreateTopicsResponse.newBuilder();
            for (NewTopic t : request.getTopicsList()) {
                int factor = t.getReplicationFactor() == 0 ? defaults.replicationFactor() : t.getReplicationFactor();
                if (factor > TopicDefaults.MAX_REPLICATION_FACTOR) {
                    out.addResults(TopicResult.newBuilder().setName(t.getName())
                            .setErrorCode(ErrorCode.INVALID_REPLICATION_FACTOR).setErrorMessage("replication factor "
                                    + factor + " is not supported yet: brokers do not replicate partitions to each"
                                    + " other yet, so use 1"));
                    continue;
                }
                forward.addTopics(CreatableTopic.newBuilder().setName(t.getName())
                        .setPartitions(t.getNumPartitions() == 0 ? defaults.numPartitions() : t.getNumPartitions())
                        .setReplicationFactor(t.getReplicationFactor() == 0 ? defaults.replicationFactor()
                                : t.getReplicationFactor())
                        .putAllConfigs(t.getConfigsMap()));
            }
            if (forward.getTopicsCount() == 0) {
                return out.build();
            }
            var answer = cluster.callController(stub -> stub.createTopics(forward.build()),
                    r -> r.getResultsCount() == 0 ? ControllerError.getDefaultInstance() : r.getResults(0).getError(),
                    MetadataGrpcService.CONTROLLER_TIMEOUT_MS);
            if (answer == null) {
                forward.getTopicsList().forEach(t -> out.addResults(timedOut(t.getName())));
                return out.build();
            }
            answer.getResultsList().forEach(r -> out.addResults(result(r)));
            awaitApplied(image -> answer.getResultsList().stream().allMatch(r -> !r.hasTopicId()
                    || image.topicNames().containsKey(Uuids.fromProto(r.getTopicId()))));
            return out.build();
        });
    }

    @Override
    public void deleteTopics(DeleteTopicsRequest request, StreamObserver<DeleteTopicsResponse> response) {
        answer(response, () -> {
            var forward = io.fjord.proto.internal.v1.DeleteTopicsRequest.newBuilder()
                    .addAllNames(request.getNamesList()).build();
            var answer = cluster.callController(stub -> stub.deleteTopics(forward),
                    r -> r.getResultsCount() == 0 ? ControllerError.getDefaultInstance() : r.getResults(0).getError(),
                    MetadataGrpcService.CONTROLLER_TIMEOUT_MS);
            DeleteTopicsResponse.Builder out = DeleteTopicsResponse.newBuilder();
            if (answer == null) {
                request.getNamesList().forEach(n -> out.addResults(timedOut(n)));
                return out.build();
            }
            answer.getResultsList().forEach(r -> out.addResults(result(r)));
            awaitApplied(image -> answer.getResultsList().stream().allMatch(r -> !r.hasTopicId()
                    || !image.topicNames().containsKey(Uuids.fromProto(r.getTopicId()))));
            return out.build();
        });
    }

    @Override
    public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> response) {
        answer(response, () -> {
            ListTopicsResponse.Builder out = ListTopicsResponse.newBuilder();
            for (TopicImage t : cluster.image().topics().values()) {
                out.addTopics(TopicListing.newBuilder().setName(t.name()).setTopicId(DirectoryIds.format(t.id()))
                        .setPartitions(t.partitions().size())
                        .setReplicationFactor(t.partitions().isEmpty() ? 0
                                : t.partitions().values().iterator().next().replicas().size()));
            }
            return out.build();
        });
    }

    @Override
    public void describeTopics(DescribeTopicsRequest request, StreamObserver<DescribeTopicsResponse> response) {
        answer(response, () -> {
            MetadataImage image = cluster.image();
            DescribeTopicsResponse.Builder out = DescribeTopicsResponse.newBuilder();
            List<String> names = request.getNamesCount() == 0 ? List.copyOf(image.topics().keySet())
                    : request.getNamesList();
            for (String name : names) {
                TopicImage topic = image.topic(name);
                TopicDescription.Builder d = TopicDescription.newBuilder();
                if (topic == null) {
                    d.setMetadata(MetadataViews.unknownTopic(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                            "topic '" + name + "' does not exist"));
                } else {
                    d.setMetadata(MetadataViews.topic(image, topic)).putAllConfigs(image.topicConfig(name));
                }
                out.addTopics(d);
            }
            return out.build();
        });
    }

    @Override
    public void createPartitions(CreatePartitionsRequest request, StreamObserver<CreatePartitionsResponse> response) {
        answer(response, () -> {
            var forward = io.fjord.proto.internal.v1.CreatePartitionsRequest.newBuilder()
                    .setTopic(request.getTopic()).setTotalPartitions(request.getTotalCount()).build();
            var answer = cluster.callController(stub -> stub.createPartitions(forward),
                    io.fjord.proto.internal.v1.TopicResult::getError, MetadataGrpcService.CONTROLLER_TIMEOUT_MS);
            if (answer == null) {
                return CreatePartitionsResponse.newBuilder().setResult(timedOut(request.getTopic())).build();
            }
            awaitApplied(image -> answer.getError().getCode() != io.fjord.proto.internal.v1.ControllerErrorCode
                    .CONTROLLER_ERROR_NONE || image.topic(request.getTopic()) == null
                    || image.topic(request.getTopic()).partitions().size() >= request.getTotalCount());
            return CreatePartitionsResponse.newBuilder().setResult(result(answer)).build();
        });
    }

    @Override
    public void describeConfigs(DescribeConfigsRequest request, StreamObserver<DescribeConfigsResponse> response) {
        answer(response, () -> {
            MetadataImage image = cluster.image();
            DescribeConfigsResponse.Builder out = DescribeConfigsResponse.newBuilder();
            for (ConfigResource resource : request.getResourcesList()) {
                out.addResults(configs.describe(image, resource));
            }
            return out.build();
        });
    }

    @Override
    public void alterConfigs(AlterConfigsRequest request, StreamObserver<AlterConfigsResponse> response) {
        answer(response, () -> {
            ConfigResource resource = request.getResource();
            AlterConfigsResponse.Builder out = AlterConfigsResponse.newBuilder().setResource(resource);
            if (resource.getType() != ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC) {
                return out.setErrorCode(ErrorCode.INVALID_REQUEST).setErrorMessage("only topic configs can be"
                        + " altered; a broker's configuration is static: set it in the node's configuration").build();
            }
            var forward = io.fjord.proto.internal.v1.AlterConfigsRequest.newBuilder().setTopic(resource.getName())
                    .putAllSet(request.getSetMap()).addAllDelete(request.getDeleteList()).build();
            var answer = cluster.callController(stub -> stub.alterConfigs(forward),
                    io.fjord.proto.internal.v1.TopicResult::getError, MetadataGrpcService.CONTROLLER_TIMEOUT_MS);
            if (answer == null) {
                return out.setErrorCode(ErrorCode.REQUEST_TIMED_OUT).setErrorMessage(timedOutMessage()).build();
            }
            awaitApplied(image -> answer.getError().getCode() != io.fjord.proto.internal.v1.ControllerErrorCode
                    .CONTROLLER_ERROR_NONE || request.getSetMap().entrySet().stream().allMatch(e ->
                    e.getValue().equals(image.topicConfig(resource.getName()).get(e.getKey()))));
            return out.setErrorCode(ControllerErrors.fromController(answer.getError()))
                    .setErrorMessage(answer.getError().getMessage()).build();
        });
    }

    @Override
    public void describeCluster(DescribeClusterRequest request, StreamObserver<DescribeClusterResponse> response) {
        answer(response, () -> {
            DescribeClusterResponse.Builder out = DescribeClusterResponse.newBuilder()
                    .setClusterId(cluster.clusterId()).setControllerId(cluster.activeControllerId());
            cluster.image().brokers().values()
                    .forEach(b -> MetadataViews.broker(b, cluster.listenerName()).ifPresent(out::addBrokers));
            return out.build();
        });
    }

    private void awaitApplied(Predicate<MetadataImage> applied) throws InterruptedException {
        cluster.awaitImage(applied, APPLY_WAIT_MS);
    }

    private static TopicResult result(io.fjord.proto.internal.v1.TopicResult r) {
        TopicResult.Builder out = TopicResult.newBuilder().setName(r.getName())
                .setErrorCode(ControllerErrors.fromController(r.getError())).setErrorMessage(r.getError().getMessage());
        if (r.hasTopicId()) {
            out.setTopicId(DirectoryIds.format(Uuids.fromProto(r.getTopicId())));
        }
        return out.build();
    }

    private static TopicResult timedOut(String name) {
        return TopicResult.newBuilder().setName(name).setErrorCode(ErrorCode.REQUEST_TIMED_OUT)
                .setErrorMessage(timedOutMessage()).build();
    }

    private static String timedOutMessage() {
        return "no active controller answered within " + MetadataGrpcService.CONTROLLER_TIMEOUT_MS + " ms";
    }
}
