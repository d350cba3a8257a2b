package io.fjord.client.internal;

import io.fjord.client.ConsumerRecord;
import io.fjord.client.FjordException;
import io.fjord.client.Node;
import io.fjord.client.PartitionInfo;
import io.fjord.client.TopicPartition;
import io.fjord.proto.grpc.AliasingMarshaller;
import io.fjord.proto.record.CorruptRecordException;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.FetchPartition;
import io.fjord.proto.v1.FetchPartitionResponse;
import io.fjord.proto.v1.FetchRequest;
import io.fjord.proto.v1.FetchResponse;
import io.fjord.proto.v1.FetchServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Fetches for the consumer: one {@code Fetch} in flight per leader broker for the partitions it leads that have a
 * position, answers queued as they arrive, decoded client-side (fast path) when the consumer collects them. The
 * consumer sends the next fetches before returning records to the user, so the network works while the user
 * processes (pipelining): a partition with one answer's records still buffered is fetched again from where that
 * answer ended (at most one answer ahead), so the next records are on their way while the buffered ones are consumed.
 *
 * <p>Thread-safety: called from the consumer's thread only, except the gRPC callbacks, which only put answers
 * into a concurrent queue.
 */
public final class Fetcher {
    /** Fetch, with answers parsed without copying their record batches. */
    static final MethodDescriptor<FetchRequest, FetchResponse> FETCH =
            AliasingMarshaller.aliasingResponses(FetchServiceGrpc.getFetchMethod());
    /** One fetch answer, with the offsets it was asked for. {@code error} set when the call failed. */
    record CompletedFetch(Node node, Map<TopicPartition, Long> fetchOffsets, FetchResponse response,
                          Throwable error) {
    }

    private final FetchSettings settings;
    private final Metadata metadata;
    private final ChannelPool channels;
    private final SubscriptionState subscriptions;
    private final LinkedBlockingQueue<CompletedFetch> completed = new LinkedBlockingQueue<>();
    private final Set<Node> nodesInFlight = new HashSet<>();
    private final Set<TopicPartition> partitionsInFlight = new HashSet<>();
    private final Deque<PartitionRecords> buffered = new ArrayDeque<>();
    private final Map<Node, Long> nodeBackoffUntilMs = new HashMap<>();

    public Fetcher(FetchSettings settings, Metadata metadata, ChannelPool channels, SubscriptionState subscriptions) {
        this.settings = settings;
        this.metadata = metadata;
        this.channels = channels;
        this.subscriptions = subscriptions;
    }

    /** Sends a fetch to every leader that has none in flight, for its fetchable partitions. */
    public int sendFetches(long nowMs) {
        ClusterSnapshot cluster = metadata.snapshot();
        Map<Node, Map<TopicPartition, Long>> byNode = new LinkedHashMap<>();
        for (TopicPartition tp : subscriptions.fetchablePartitions()) {
            if (partitionsInFlight.contains(tp) || bufferedAnswers(tp) > 1) {
                continue;
            }
            Node leader = cluster.leaderFor(tp);
            if (leader == null) {
                metadata.requestUpdate();
                continue;
            }
            if (nodesInFlight.contains(leader) || nodeBackoffUntilMs.getOrDefault(leader, 0L) > nowMs) {
                continue;
            }
            byNode.computeIfAbsent(leader, n -> new LinkedHashMap<>()).put(tp, nextFetchOffset(tp));
        }
        for (Map.Entry<Node, Map<TopicPartition, Long>> e : byNode.entrySet()) {
            send(e.getKey(), e.getValue(), cluster);
        }
        return byNode.size();
    }

    private void send(Node node, Map<TopicPartition, Long> offsets, ClusterSnapshot cluster) {
        FetchRequest.Builder request = FetchRequest.newBuilder()
                .setMaxWaitMs(settings.fetchMaxWaitMs())
                .setMinBytes(settings.fetchMinBytes())
                .setMaxBytes(settings.fetchMaxBytes())
                .setClientId(settings.clientId());
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            FetchPartition.Builder p = FetchPartition.newBuilder()
                    .setTopic(e.getKey().topic()).setPartition(e.getKey().partition())
                    .setFetchOffset(e.getValue())
                    .setPartitionMaxBytes(settings.maxPartitionFetchBytes());
            PartitionInfo info = cluster.partition(e.getKey());
            if (info != null && info.leaderEpoch() >= 0) {
                p.setCurrentLeaderEpoch(info.leaderEpoch());
            }
            request.addPartitions(p);
        }
        nodesInFlight.add(node);
        partitionsInFlight.addAll(offsets.keySet());
        CallOptions deadline = CallOptions.DEFAULT.withDeadlineAfter(
                settings.fetchMaxWaitMs() + settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        ClientCalls.asyncUnaryCall(channels.channel(node.address()).newCall(FETCH, deadline), request.build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(FetchResponse response) {
                        completed.add(new CompletedFetch(node, offsets, response, null));
                    }

                    @Override
                    public void onError(Throwable t) {
                        completed.add(new CompletedFetch(node, offsets, null, t));
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
    }

    /** Waits up to {@code timeoutMs} for a fetch answer to arrive (returns at once if one is waiting). */
    public void awaitAnswer(long timeoutMs) throws InterruptedException {
        if (!completed.isEmpty() || timeoutMs <= 0) {
            return;
        }
        CompletedFetch next = completed.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (next != null) {
            completed.add(next);
        }
    }

    /** Whether a fetch is in flight (so waiting for an answer makes sense). */
    public boolean hasInFlight() {
        return !nodesInFlight.isEmpty() || !completed.isEmpty();
    }

    /** Returns up to {@code maxRecords} buffered records, advancing the positions past them. */
    public Map<TopicPartition, List<ConsumerRecord>> collect(int maxRecords, long nowMs) {
        CompletedFetch done;
        while ((done = completed.poll()) != null) {
            absorb(done, nowMs);
        }
        Map<TopicPartition, List<ConsumerRecord>> out = new LinkedHashMap<>();
        int left = maxRecords;
        while (left > 0 && !buffered.isEmpty()) {
            PartitionRecords head = buffered.peekFirst();
            if (!subscriptions.isAssigned(head.tp) || !Long.valueOf(head.position()).equals(
                    subscriptions.position(head.tp))) {
                buffered.pollFirst(); // unassigned or seeked away since the fetch
                continue;
            }
            if (head.error() != null) {
                if (!out.isEmpty()) {
                    break; // the records before it first; the error on the next poll
                }
                buffered.pollFirst();
                throw head.error();
            }
            List<ConsumerRecord> taken = head.take(left);
            if (!taken.isEmpty()) {
                out.computeIfAbsent(head.tp, k -> new ArrayList<>()).addAll(taken);
                left -= taken.size();
            }
            subscriptions.seek(head.tp, head.position());
            if (head.isEmpty()) {
                buffered.pollFirst();
            }
        }
        return out;
    }

    private void absorb(CompletedFetch done, long nowMs) {
        nodesInFlight.remove(done.node);
        partitionsInFlight.removeAll(done.fetchOffsets.keySet());
        if (done.error != null) {
            metadata.requestUpdate();
            nodeBackoffUntilMs.put(done.node, nowMs + settings.retryBackoffMs());
            FjordException e = GrpcErrors.toException(done.error, done.node.address());
            if (!e.isRetriable()) {
                throw e;
            }
            return;
        }
        for (FetchPartitionResponse p : done.response.getPartitionsList()) {
            TopicPartition tp = new TopicPartition(p.getTopic(), p.getPartition());
            Long asked = done.fetchOffsets.get(tp);
            if (asked == null || !subscriptions.isAssigned(tp) || !asked.equals(nextFetchOffset(tp))) {
                continue; // seeked or unassigned while the fetch was in flight
            }
            if (p.getErrorCode() != ErrorCode.NONE && bufferedAnswers(tp) > 0) {
                // a fetch ahead failed: back off from this broker (first refreshing metadata if the leader may have
                // moved); the partition is asked again afterwards, and an error that stays surfaces then
                nodeBackoffUntilMs.put(done.node, nowMs + settings.retryBackoffMs());
                if (RetryPolicy.needsMetadataRefresh(p.getErrorCode())) {
                    metadata.requestUpdate();
                }
                continue;
            }
            if (!handlePartition(tp, asked, p)) {
                // a retriable error: give metadata a moment before asking this broker again
                nodeBackoffUntilMs.put(done.node, nowMs + settings.retryBackoffMs());
            }
        }
    }

    /** Returns false after a retriable error (the partition is fetched again after a backoff). */
    private boolean handlePartition(TopicPartition tp, long fetchOffset, FetchPartitionResponse p) {
        ErrorCode code = p.getErrorCode();
        if (code == ErrorCode.NONE) {
            BatchDecoder.Decoded decoded;
            try {
                decoded = BatchDecoder.decode(tp, p.getRecordBatches().asReadOnlyByteBuffer(), fetchOffset);
            } catch (CorruptRecordException e) {
                FjordException corrupt = new FjordException(ErrorCode.CORRUPT_MESSAGE, "corrupt record batch in "
                        + tp + " at or after offset " + fetchOffset + ": " + e.getMessage(), e);
                if (bufferedAnswers(tp) == 0) {
                    throw corrupt;
                }
                buffered.addLast(PartitionRecords.failed(tp, fetchOffset, corrupt)); // raised at its position
                return true;
            }
            List<ConsumerRecord> records = new ArrayList<>(decoded.records());
            if (!p.getRecordsList().isEmpty() && records.isEmpty()) {
                records.addAll(SimpleRecords.toConsumerRecords(tp, p.getRecordsList(), fetchOffset));
            }
            long next = Math.max(decoded.nextFetchOffset(), p.getNextFetchOffset());
            if (!records.isEmpty()) {
                next = Math.max(next, records.get(records.size() - 1).offset() + 1);
                buffered.addLast(new PartitionRecords(tp, records, fetchOffset, next));
            } else if (next > fetchOffset && bufferedAnswers(tp) > 0) {
                buffered.addLast(new PartitionRecords(tp, List.of(), fetchOffset, next)); // moves on in order
            } else if (next > fetchOffset) {
                subscriptions.seek(tp, next); // only control batches or compacted-away offsets
            }
            return true;
        }
        if (code == ErrorCode.OFFSET_OUT_OF_RANGE) {
            if (subscriptions.defaultStrategy() == SubscriptionState.ResetStrategy.NONE) {
                throw FjordException.forError(code, p.getErrorMessage(), tp + " at offset " + fetchOffset
                        + " (auto.offset.reset=none)");
            }
            subscriptions.requestDefaultReset(tp);
            return true;
        }
        FjordException error = FjordException.forError(code, p.getErrorMessage(), tp.toString());
        if (!error.isRetriable()) {
            throw error;
        }
        if (RetryPolicy.needsMetadataRefresh(code)) {
            metadata.requestUpdate();
        }
        return false;
    }

    private int bufferedAnswers(TopicPartition tp) {
        int count = 0;
        for (PartitionRecords r : buffered) {
            if (r.tp.equals(tp)) {
                count++;
            }
        }
        return count;
    }

    /** Where the partition's next fetch starts: after its buffered records, else at the consumer's position. */
    private Long nextFetchOffset(TopicPartition tp) {
        Long next = null;
        for (PartitionRecords r : buffered) {
            if (r.tp.equals(tp)) {
                next = r.nextFetchOffset();
            }
        }
        return next != null ? next : subscriptions.position(tp);
    }

    /** Drops buffered records of partitions no longer assigned, or every partition on a seek. */
    public void clearBuffered(TopicPartition tp) {
        buffered.removeIf(r -> r.tp.equals(tp));
    }
}
