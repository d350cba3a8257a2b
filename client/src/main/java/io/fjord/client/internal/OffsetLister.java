package io.fjord.client.internal;

import io.fjord.client.FjordException;
import io.fjord.client.Node;
import io.fjord.client.TimeoutException;
import io.fjord.client.TopicPartition;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.FetchServiceGrpc;
import io.fjord.proto.v1.ListOffsetsPartition;
import io.fjord.proto.v1.ListOffsetsPartitionResponse;
import io.fjord.proto.v1.ListOffsetsRequest;
import io.fjord.proto.v1.ListOffsetsResponse;
import io.fjord.proto.v1.OffsetSpec;
import io.grpc.StatusRuntimeException;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Looks up offsets by position (earliest, latest) or timestamp with {@code ListOffsets}, asking each partition's
 * leader, refreshing metadata and retrying retriable errors until the deadline. Not thread-safe: used by the
 * consumer's thread.
 */
public final class OffsetLister {
    /** What to look up for one partition: a spec and, for {@code OFFSET_SPEC_TIMESTAMP}, the timestamp. */
    public record Query(OffsetSpec spec, long timestampMs) {
    }

    /** The answer: offset (-1 when no record is that recent) and the found record's timestamp (-1 if none). */
    public record Result(long offset, long timestampMs) {
    }

    private final Metadata metadata;
    private final ChannelPool channels;
    private final int requestTimeoutMs;
    private final long retryBackoffMs;

    public OffsetLister(Metadata metadata, ChannelPool channels, int requestTimeoutMs, long retryBackoffMs) {
        this.metadata = metadata;
        this.channels = channels;
        this.requestTimeoutMs = requestTimeoutMs;
        this.retryBackoffMs = retryBackoffMs;
    }

    public Map<TopicPartition, Result> list(Map<TopicPartition, Query> queries, long timeoutMs) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Map<TopicPartition, Query> remaining = new LinkedHashMap<>(queries);
        Map<TopicPartition, Result> results = new HashMap<>();
        FjordException last = null;
        while (true) {
            ClusterSnapshot cluster = metadata.snapshot();
            Map<Node, Map<TopicPartition, Query>> byLeader = new HashMap<>();
            for (Map.Entry<TopicPartition, Query> e : remaining.entrySet()) {
                Node leader = cluster.leaderFor(e.getKey());
                if (leader == null) {
                    metadata.requestUpdate();
                    last = new FjordException(ErrorCode.LEADER_NOT_AVAILABLE, "no known leader for " + e.getKey());
                } else {
                    byLeader.computeIfAbsent(leader, n -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
                }
            }
            for (Map.Entry<Node, Map<TopicPartition, Query>> e : byLeader.entrySet()) {
                try {
                    last = ask(e.getKey(), e.getValue(), remaining, results, last);
                } catch (StatusRuntimeException sre) {
                    metadata.requestUpdate();
                    last = GrpcErrors.toException(sre, e.getKey().address());
                    if (!last.isRetriable()) {
                        throw last;
                    }
                }
            }
            if (remaining.isEmpty()) {
                return results;
            }
            long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0) {
                throw new TimeoutException("could not list offsets for " + remaining.keySet() + " within "
                        + timeoutMs + " ms" + (last == null ? "" : ": " + last.getMessage()), last);
            }
            LockSupport.parkNanos(Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(Math.max(1, retryBackoffMs))));
            try {
                metadata.refresh(List.of(), System.currentTimeMillis());
            } catch (FjordException e) {
                last = e;
            }
        }
    }

    private FjordException ask(Node leader, Map<TopicPartition, Query> queries, Map<TopicPartition, Query> remaining,
                               Map<TopicPartition, Result> results, FjordException last) {
        ListOffsetsRequest.Builder request = ListOffsetsRequest.newBuilder();
        for (Map.Entry<TopicPartition, Query> q : queries.entrySet()) {
            request.addPartitions(ListOffsetsPartition.newBuilder()
                    .setTopic(q.getKey().topic()).setPartition(q.getKey().partition())
                    .setSpec(q.getValue().spec()).setTimestampMs(q.getValue().timestampMs()));
        }
        ListOffsetsResponse response = FetchServiceGrpc.newBlockingStub(channels.channel(leader.address()))
                .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS)
                .listOffsets(request.build());
        for (ListOffsetsPartitionResponse p : response.getPartitionsList()) {
            TopicPartition tp = new TopicPartition(p.getTopic(), p.getPartition());
            if (p.getErrorCode() == ErrorCode.NONE) {
                results.put(tp, new Result(p.getOffset(), p.getTimestampMs()));
                remaining.remove(tp);
                continue;
            }
            FjordException error = FjordException.forError(p.getErrorCode(), p.getErrorMessage(), tp.toString());
            if (!error.isRetriable()) {
                throw error;
            }
            if (RetryPolicy.needsMetadataRefresh(p.getErrorCode())) {
                metadata.requestUpdate();
            }
            last = error;
        }
        return last;
    }
}
