package io.fjord.quorum.controller.runtime;

import io.fjord.proto.internal.v1.AllocateProducerIdsRequest;
import io.fjord.proto.internal.v1.AllocateProducerIdsResponse;
import io.fjord.proto.internal.v1.AlterConfigsRequest;
import io.fjord.proto.internal.v1.AlterPartitionRequest;
import io.fjord.proto.internal.v1.AlterPartitionResponse;
import io.fjord.proto.internal.v1.BrokerHeartbeatRequest;
import io.fjord.proto.internal.v1.BrokerHeartbeatResponse;
import io.fjord.proto.internal.v1.ControllerError;
import io.fjord.proto.internal.v1.ControllerErrorCode;
import io.fjord.proto.internal.v1.ControllerGrpc;
import io.fjord.proto.internal.v1.CreatableTopic;
import io.fjord.proto.internal.v1.CreatePartitionsRequest;
import io.fjord.proto.internal.v1.CreateTopicsRequest;
import io.fjord.proto.internal.v1.CreateTopicsResponse;
import io.fjord.proto.internal.v1.DeleteTopicsRequest;
import io.fjord.proto.internal.v1.DeleteTopicsResponse;
import io.fjord.proto.internal.v1.DescribeMetadataRequest;
import io.fjord.proto.internal.v1.DescribeMetadataResponse;
import io.fjord.proto.internal.v1.ElectPreferredLeadersRequest;
import io.fjord.proto.internal.v1.ElectPreferredLeadersResponse;
import io.fjord.proto.internal.v1.MetadataRecordBatch;
import io.fjord.proto.internal.v1.RegisterBrokerRequest;
import io.fjord.proto.internal.v1.RegisterBrokerResponse;
import io.fjord.proto.internal.v1.TopicResult;
import io.fjord.quorum.controller.ApiError;
import io.fjord.quorum.controller.PartitionControl;
import io.fjord.quorum.controller.TopicControl;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.MetadataSnapshot;
import io.fjord.quorum.metadata.Uuids;
import io.grpc.stub.StreamObserver;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The Controller gRPC service (see {@code controller.proto}) over a {@link QuorumController}: every call becomes a
 * decision on the controller's loop; a standby answers NOT_CONTROLLER naming the active controller.
 */
public final class ControllerService extends ControllerGrpc.ControllerImplBase {
    private final QuorumController controller;
    private final IntSupplier leaderId;
    private final SecureRandom random = new SecureRandom();

    public ControllerService(QuorumController controller, IntSupplier leaderId) {
        this.controller = controller;
        this.leaderId = leaderId;
    }

    static ControllerError error(ApiError error) {
        return ControllerError.newBuilder().setCode(ControllerErrorCode.valueOf("CONTROLLER_ERROR_" + error.code().name()))
                .setMessage(error.message()).build();
    }

    /** NOT_CONTROLLER with the active controller, or UNKNOWN with the failure's message. */
    private ControllerError failure(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof NotControllerException notController) {
            return ControllerError.newBuilder().setCode(ControllerErrorCode.CONTROLLER_ERROR_NOT_CONTROLLER)
                    .setMessage(notController.getMessage()).setActiveControllerId(notController.leaderId()).build();
        }
        return ControllerError.newBuilder().setCode(ControllerErrorCode.CONTROLLER_ERROR_UNKNOWN)
                .setMessage(String.valueOf(cause.getMessage())).setActiveControllerId(leaderId.getAsInt()).build();
    }

    private <T, R> void answer(CompletableFuture<T> future, StreamObserver<R> responses, Function<T, R> ok,
                               Function<ControllerError, R> failed) {
        future.whenComplete((value, t) -> {
            responses.onNext(t == null ? ok.apply(value) : failed.apply(failure(t)));
            responses.onCompleted();
        });
    }

    @Override
    public void registerBroker(RegisterBrokerRequest r, StreamObserver<RegisterBrokerResponse> responses) {
        List<BrokerRegistration.Endpoint> endpoints = new ArrayList<>();
        r.getEndpointsList().forEach(e -> endpoints.add(new BrokerRegistration.Endpoint(e.getListener(), e.getHost(),
                e.getPort())));
        answer(controller.registerBroker(r.getBrokerId(), Uuids.fromProto(r.getIncarnationId()), endpoints,
                        r.hasRack() ? r.getRack() : null), responses,
                reg -> RegisterBrokerResponse.newBuilder().setError(error(reg.error())).setBrokerEpoch(reg.brokerEpoch())
                        .build(),
                e -> RegisterBrokerResponse.newBuilder().setError(e).setBrokerEpoch(-1).build());
    }

    @Override
    public void brokerHeartbeat(BrokerHeartbeatRequest r, StreamObserver<BrokerHeartbeatResponse> responses) {
        answer(controller.heartbeat(r.getBrokerId(), r.getBrokerEpoch(), r.getMetadataOffset(), r.getWantShutdown()),
                responses, a -> BrokerHeartbeatResponse.newBuilder().setError(error(a.error())).setIsFenced(a.fenced())
                        .setShouldShutDown(a.shouldShutDown()).build(),
                e -> BrokerHeartbeatResponse.newBuilder().setError(e).setIsFenced(true).build());
    }

    @Override
    public void alterPartition(AlterPartitionRequest r, StreamObserver<AlterPartitionResponse> responses) {
        UUID topicId = r.hasTopicId() ? Uuids.fromProto(r.getTopicId()) : null; // null: refused
        answer(controller.submit((image, now) -> PartitionControl.alterPartition(image, r.getBrokerId(),
                        r.getBrokerEpoch(), topicId, r.getTopic(), r.getPartition(), r.getLeaderEpoch(),
                        r.getPartitionEpoch(), r.getNewIsrList())), responses,
                a -> AlterPartitionResponse.newBuilder().setError(error(a)).build(),
                e -> AlterPartitionResponse.newBuilder().setError(e).build());
    }

    @Override
    public void allocateProducerIds(AllocateProducerIdsRequest r,
                                    StreamObserver<AllocateProducerIdsResponse> responses) {
        answer(controller.allocateProducerIds(r.getBrokerId(), r.getBrokerEpoch()), responses,
                first -> first < 0
                        ? AllocateProducerIdsResponse.newBuilder().setError(error(ApiError.of(
                                ApiError.Code.STALE_BROKER_EPOCH, "broker " + r.getBrokerId() + " epoch "
                                        + r.getBrokerEpoch() + " is not registered"))).build()
                        : AllocateProducerIdsResponse.newBuilder().setError(error(ApiError.NONE))
                                .setFirstProducerId(first).setCount(controller.producerIdBlockSize()).build(),
                e -> AllocateProducerIdsResponse.newBuilder().setError(e).build());
    }

    @Override
    public void createTopics(CreateTopicsRequest r, StreamObserver<CreateTopicsResponse> responses) {
        List<CompletableFuture<TopicResult>> results = new ArrayList<>();
        java.util.Set<String> seen = new HashSet<>();
        for (CreatableTopic t : r.getTopicsList()) {
            if (!seen.add(t.getName())) {
                results.add(CompletableFuture.completedFuture(topicResult(new TopicControl.TopicResult(t.getName(), null,
                        ApiError.of(ApiError.Code.INVALID_REQUEST, "topic '" + t.getName() + "' is listed twice")))));
                continue;
            }
            results.add(topicCall(t.getName(), controller.submit((image, now) -> TopicControl.createTopic(image,
                    t.getName(), t.getPartitions(), t.getReplicationFactor(), t.getConfigsMap(), random))));
        }
        CompletableFuture.allOf(results.toArray(new CompletableFuture[0])).whenComplete((v, t) -> {
            CreateTopicsResponse.Builder out = CreateTopicsResponse.newBuilder();
            results.forEach(f -> out.addResults(f.join()));
            responses.onNext(out.build());
            responses.onCompleted();
        });
    }

    @Override
    public void deleteTopics(DeleteTopicsRequest r, StreamObserver<DeleteTopicsResponse> responses) {
        List<CompletableFuture<TopicResult>> results = new ArrayList<>();
        for (String name : r.getNamesList()) {
            results.add(topicCall(name, controller.submit((image, now) -> TopicControl.deleteTopic(image, name))));
        }
        CompletableFuture.allOf(results.toArray(new CompletableFuture[0])).whenComplete((v, t) -> {
            DeleteTopicsResponse.Builder out = DeleteTopicsResponse.newBuilder();
            results.forEach(f -> out.addResults(f.join()));
            responses.onNext(out.build());
            responses.onCompleted();
        });
    }

    @Override
    public void createPartitions(CreatePartitionsRequest r, StreamObserver<TopicResult> responses) {
        reply(topicCall(r.getTopic(), controller.submit((image, now) -> TopicControl.createPartitions(image,
                r.getTopic(), r.getTotalPartitions()))), responses);
    }

    @Override
    public void alterConfigs(AlterConfigsRequest r, StreamObserver<TopicResult> responses) {
        reply(topicCall(r.getTopic(), controller.submit((image, now) -> TopicControl.alterConfigs(image, r.getTopic(),
                r.getSetMap(), new HashSet<>(r.getDeleteList())))), responses);
    }

    @Override
    public void electPreferredLeaders(ElectPreferredLeadersRequest r,
                                      StreamObserver<ElectPreferredLeadersResponse> responses) {
        answer(controller.submit((image, now) -> PartitionControl.electPreferredLeaders(image)), responses,
                n -> ElectPreferredLeadersResponse.newBuilder().setError(error(ApiError.NONE)).setChangedPartitions(n)
                        .build(),
                e -> ElectPreferredLeadersResponse.newBuilder().setError(e).build());
    }

    @Override
    public void describeMetadata(DescribeMetadataRequest r, StreamObserver<DescribeMetadataResponse> responses) {
        MetadataImage image = controller.committedImage();
        responses.onNext(DescribeMetadataResponse.newBuilder().setEndOffset(image.endOffset())
                .setActiveControllerId(leaderId.getAsInt())
                .setImage(MetadataRecordBatch.newBuilder().addAllRecords(MetadataSnapshot.records(image))).build());
        responses.onCompleted();
    }

    private CompletableFuture<TopicResult> topicCall(String name, CompletableFuture<TopicControl.TopicResult> call) {
        return call.handle((result, t) -> t == null ? topicResult(result)
                : TopicResult.newBuilder().setName(name).setError(failure(t)).build());
    }

    private static TopicResult topicResult(TopicControl.TopicResult result) {
        TopicResult.Builder out = TopicResult.newBuilder().setName(result.name()).setError(error(result.error()));
        if (result.topicId() != null) {
            out.setTopicId(Uuids.toProto(result.topicId()));
        }
        return out.build();
    }

    private static void reply(CompletableFuture<TopicResult> result, StreamObserver<TopicResult> responses) {
        result.whenComplete((value, t) -> {
            responses.onNext(value);
            responses.onCompleted();
        });
    }
}
