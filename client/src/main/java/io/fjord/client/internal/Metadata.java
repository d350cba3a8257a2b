package io.fjord.client.internal;

import io.fjord.client.BrokerUnreachableException;
import io.fjord.client.FjordException;
import io.fjord.client.Node;
import io.fjord.client.PartitionInfo;
import io.fjord.client.TimeoutException;
import io.fjord.proto.v1.MetadataRequest;
import io.fjord.proto.v1.MetadataResponse;
import io.fjord.proto.v1.MetadataServiceGrpc;
import io.grpc.StatusRuntimeException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The client's cached cluster metadata for the topics it uses, refreshed when asked ({@link #requestUpdate()}, e.g.
 * after NOT_LEADER_OR_FOLLOWER) and at least every {@code metadata.max.age.ms}. A refresh asks the known brokers
 * first and then the bootstrap servers, and takes the first answer. Thread-safe: {@link #snapshot()} is a volatile
 * read; refreshes are serialized.
 */
public final class Metadata {
    private final List<String> bootstrapServers;
    private final ChannelPool channels;
    private final int requestTimeoutMs;
    private final long metadataMaxAgeMs;
    private final boolean allowAutoTopicCreation;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private volatile ClusterSnapshot snapshot = ClusterSnapshot.EMPTY;
    private volatile long lastRefreshMs = Long.MIN_VALUE / 2;
    private volatile boolean updateRequested;

    public Metadata(List<String> bootstrapServers, ChannelPool channels, int requestTimeoutMs, long metadataMaxAgeMs,
                    boolean allowAutoTopicCreation) {
        this.bootstrapServers = List.copyOf(bootstrapServers);
        this.channels = channels;
        this.requestTimeoutMs = requestTimeoutMs;
        this.metadataMaxAgeMs = metadataMaxAgeMs;
        this.allowAutoTopicCreation = allowAutoTopicCreation;
    }

    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    public void requestUpdate() {
        updateRequested = true;
    }

    /** Milliseconds until the next refresh is due (0: now). */
    public long timeToNextUpdateMs(long nowMs) {
        if (topics.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return updateRequested ? 0 : Math.max(0, lastRefreshMs + metadataMaxAgeMs - nowMs);
    }

    public Set<String> topics() {
        return Set.copyOf(topics);
    }

    /** Refreshes the metadata of every topic in use (and {@code extra}), and returns the new snapshot. */
    public synchronized ClusterSnapshot refresh(Collection<String> extra, long nowMs) {
        topics.addAll(extra);
        updateRequested = false;
        MetadataRequest request = MetadataRequest.newBuilder()
                .addAllTopics(topics)
                .setAllowAutoTopicCreation(allowAutoTopicCreation)
                .build();
        MetadataResponse response = call(request);
        snapshot = snapshot.merge(response);
        lastRefreshMs = nowMs;
        return snapshot;
    }

    /**
     * Waits until {@code topic} has partitions (refreshing every {@code retryBackoffMs}; an auto-created topic may
     * need a moment to get leaders). Fails at once on a non-retriable topic error, and on an unknown topic when
     * this client does not ask for auto-creation.
     */
    public List<PartitionInfo> awaitPartitions(String topic, long maxWaitMs, long retryBackoffMs) {
        List<PartitionInfo> partitions = snapshot.partitionsFor(topic);
        if (partitions != null && topics.contains(topic)) {
            return partitions;
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        FjordException last = null;
        while (true) {
            try {
                ClusterSnapshot now = refresh(List.of(topic), System.currentTimeMillis());
                partitions = now.partitionsFor(topic);
                if (partitions != null && !partitions.isEmpty()) {
                    return partitions;
                }
                ClusterSnapshot.TopicError error = now.topicError(topic);
                if (error != null) {
                    last = FjordException.forError(error.code(), error.message(), "topic " + topic);
                    // without auto-creation (the consumer), a missing topic will not appear by waiting
                    if (!last.isRetriable() || (!allowAutoTopicCreation
                            && error.code() == io.fjord.proto.v1.ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) {
                        throw last;
                    }
                }
            } catch (BrokerUnreachableException e) {
                last = e;
            }
            long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0) {
                throw new TimeoutException("topic " + topic + " not present in metadata after " + maxWaitMs
                        + " ms (max.block.ms)" + (last == null ? "" : ": " + last.getMessage()), last);
            }
            LockSupport.parkNanos(Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(Math.max(1, retryBackoffMs))));
        }
    }

    private MetadataResponse call(MetadataRequest request) {
        Set<String> addresses = new LinkedHashSet<>();
        for (Node node : snapshot.brokers().values()) {
            addresses.add(node.address());
        }
        addresses.addAll(bootstrapServers);
        List<String> tried = new ArrayList<>();
        StatusRuntimeException lastError = null;
        for (String address : addresses) {
            try {
                return MetadataServiceGrpc.newBlockingStub(channels.channel(address))
                        .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS)
                        .getMetadata(request);
            } catch (StatusRuntimeException e) {
                if (!GrpcErrors.isRetriable(e.getStatus().getCode())) {
                    throw GrpcErrors.toException(e, address);
                }
                tried.add(address);
                lastError = e;
            }
        }
        throw new BrokerUnreachableException(String.join(",", tried), lastError);
    }
}
