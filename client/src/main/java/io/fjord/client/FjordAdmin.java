package io.fjord.client;

import io.fjord.client.internal.ChannelPool;
import io.fjord.client.internal.ConfigDef;
import io.fjord.client.internal.GrpcErrors;
import io.fjord.proto.v1.AdminServiceGrpc;
import io.fjord.proto.v1.AlterConfigsRequest;
import io.fjord.proto.v1.AlterConfigsResponse;
import io.fjord.proto.v1.BrokerNode;
import io.fjord.proto.v1.ConfigResource;
import io.fjord.proto.v1.ConfigResourceType;
import io.fjord.proto.v1.ConfigsResult;
import io.fjord.proto.v1.CreatePartitionsRequest;
import io.fjord.proto.v1.CreateTopicsRequest;
import io.fjord.proto.v1.DeleteTopicsRequest;
import io.fjord.proto.v1.DescribeClusterRequest;
import io.fjord.proto.v1.DescribeClusterResponse;
import io.fjord.proto.v1.DescribeConfigsRequest;
import io.fjord.proto.v1.DescribeTopicsRequest;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.ListTopicsRequest;
import io.fjord.proto.v1.TopicResult;
import io.grpc.StatusRuntimeException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Synchronous administration: topics, partitions, configs, the cluster. Each call goes to the first bootstrap
 * server that answers (any broker forwards writes to the active controller) and waits up to
 * {@code request.timeout.ms}. A refused operation throws a {@link FjordException} carrying the {@code ErrorCode}
 * and the broker's message (for several topics, the first failure; the others still happened).
 *
 * <p>Thread-safe.
 */
public final class FjordAdmin implements AutoCloseable {
    private final AdminConfig config;
    private final ChannelPool channels = new ChannelPool();
    private final AdminTranslator translator = new AdminTranslator();

    public FjordAdmin(Properties properties) {
        this(ConfigDef.toMap(properties));
    }

    public FjordAdmin(Map<String, ?> configs) {
        this.config = new AdminConfig(configs);
    }

    /** Creates the topics; returns each one's topic id. */
    public Map<String, String> createTopics(Collection<NewTopic> topics) {
        CreateTopicsRequest.Builder request = CreateTopicsRequest.newBuilder();
        topics.forEach(t -> request.addTopics(translator.toProto(t)));
        return checkAll(call(stub -> stub.createTopics(request.build())).getResultsList(), "create topic");
    }

    public void deleteTopics(Collection<String> names) {
        checkAll(call(stub -> stub.deleteTopics(DeleteTopicsRequest.newBuilder().addAllNames(names).build()))
                .getResultsList(), "delete topic");
    }

    public List<TopicListing> listTopics() {
        List<TopicListing> out = new ArrayList<>();
        call(stub -> stub.listTopics(ListTopicsRequest.getDefaultInstance())).getTopicsList().forEach(t ->
                out.add(new TopicListing(t.getName(), t.getTopicId(), t.getPartitions(), t.getReplicationFactor())));
        return out;
    }

    /** Describes the named topics (all topics when {@code names} is empty). */
    public List<TopicDescription> describeTopics(Collection<String> names) {
        List<TopicDescription> out = new ArrayList<>();
        for (var d : call(stub -> stub.describeTopics(DescribeTopicsRequest.newBuilder().addAllNames(names).build()))
                .getTopicsList()) {
            if (d.getMetadata().getErrorCode() != ErrorCode.NONE) {
                throw FjordException.forError(d.getMetadata().getErrorCode(), d.getMetadata().getErrorMessage(),
                        "topic " + d.getMetadata().getName());
            }
            out.add(translator.toDescription(d));
        }
        return out;
    }

    /** Grows {@code topic} to {@code totalCount} partitions. */
    public void createPartitions(String topic, int totalCount) {
        TopicResult result = call(stub -> stub.createPartitions(CreatePartitionsRequest.newBuilder()
                .setTopic(topic).setTotalCount(totalCount).build())).getResult();
        checkAll(List.of(result), "create partitions for");
    }

    /** The configuration of a topic, as the broker resolves it (overrides and defaults, each with its source). */
    public List<ConfigEntry> describeTopicConfigs(String topic) {
        return describeConfigs(ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC, topic);
    }

    public List<ConfigEntry> describeBrokerConfigs(int brokerId) {
        return describeConfigs(ConfigResourceType.CONFIG_RESOURCE_TYPE_BROKER, Integer.toString(brokerId));
    }

    private List<ConfigEntry> describeConfigs(ConfigResourceType type, String name) {
        ConfigResource resource = ConfigResource.newBuilder().setType(type).setName(name).build();
        List<ConfigEntry> out = new ArrayList<>();
        for (ConfigsResult result : call(stub -> stub.describeConfigs(DescribeConfigsRequest.newBuilder()
                .addResources(resource).build())).getResultsList()) {
            if (result.getErrorCode() != ErrorCode.NONE) {
                throw FjordException.forError(result.getErrorCode(), result.getErrorMessage(), name);
            }
            result.getEntriesList().forEach(e -> out.add(translator.toEntry(e)));
        }
        return out;
    }

    /** Sets {@code set} and removes {@code delete} (back to the default) in a topic's overrides. */
    public void alterTopicConfigs(String topic, Map<String, String> set, Collection<String> delete) {
        AlterConfigsResponse response = call(stub -> stub.alterConfigs(AlterConfigsRequest.newBuilder()
                .setResource(ConfigResource.newBuilder().setType(ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC)
                        .setName(topic))
                .putAllSet(set).addAllDelete(delete).build()));
        if (response.getErrorCode() != ErrorCode.NONE) {
            throw FjordException.forError(response.getErrorCode(), response.getErrorMessage(), "topic " + topic);
        }
    }

    public ClusterDescription describeCluster() {
        DescribeClusterResponse response = call(stub -> stub.describeCluster(
                DescribeClusterRequest.getDefaultInstance()));
        List<Node> nodes = new ArrayList<>();
        Set<Integer> fenced = new HashSet<>();
        for (BrokerNode b : response.getBrokersList()) {
            nodes.add(new Node(b.getId(), b.getHost(), b.getPort(), b.hasRack() ? b.getRack() : null));
            if (b.getFenced()) {
                fenced.add(b.getId());
            }
        }
        return new ClusterDescription(response.getClusterId(), response.getControllerId(), nodes, fenced);
    }

    private static Map<String, String> checkAll(List<TopicResult> results, String what) {
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        for (TopicResult r : results) {
            if (r.getErrorCode() != ErrorCode.NONE) {
                throw FjordException.forError(r.getErrorCode(), r.getErrorMessage(), what + " " + r.getName());
            }
            ids.put(r.getName(), r.getTopicId());
        }
        return ids;
    }

    private <T> T call(Function<AdminServiceGrpc.AdminServiceBlockingStub, T> rpc) {
        FjordException last = null;
        for (String address : config.bootstrapServers()) {
            try {
                return rpc.apply(AdminServiceGrpc.newBlockingStub(channels.channel(address))
                        .withDeadlineAfter(config.requestTimeoutMs(), TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException e) {
                last = GrpcErrors.toException(e, address);
                if (!(last instanceof BrokerUnreachableException)) {
                    throw last;
                }
            }
        }
        throw last == null ? new BrokerUnreachableException(String.join(",", config.bootstrapServers()), null)
                : last;
    }

    @Override
    public void close() {
        channels.close();
    }
}
