package io.fjord.broker.api;

import io.fjord.broker.replica.Partition;
import io.fjord.broker.replica.ReplicaManager;
import io.fjord.proto.v1.FetchPartition;
import io.fjord.proto.v1.FetchRequest;
import io.fjord.proto.v1.FetchResponse;
import io.fjord.proto.v1.FetchServiceGrpc;
import io.fjord.proto.v1.ListOffsetsRequest;
import io.fjord.proto.v1.ListOffsetsResponse;
import io.fjord.proto.v1.SubscribeRequest;
import io.fjord.storage.log.TopicPartition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code fjord.v1.FetchService}: long-poll fetches (answered once {@code min_bytes} are readable or
 * {@code max_wait_ms} passed, waiting in the purgatory, never polling), credit-based subscriptions
 * ({@link Subscription}) and ListOffsets ({@link ListOffsetsHandler}). Consumers read up to the HW. Thread-safe.
 */
public final class FetchGrpcService extends FetchServiceGrpc.FetchServiceImplBase {
    private final ReplicaManager replicaManager;
    private final ApiMetrics metrics;

    public FetchGrpcService(ReplicaManager replicaManager, ApiMetrics metrics) {
        this.replicaManager = replicaManager;
        this.metrics = metrics;
    }

    @Override
    public void fetch(FetchRequest request, StreamObserver<FetchResponse> observer) {
        long startNs = System.nanoTime();
        if (request.getMaxWaitMs() < 0 || request.getMinBytes() < 0 || request.getMaxBytes() < 0) {
            throw GrpcErrors.invalidArgument("max_wait_ms, min_bytes and max_bytes must be >= 0, got "
                    + request.getMaxWaitMs() + ", " + request.getMinBytes() + " and " + request.getMaxBytes());
        }
        for (FetchPartition p : request.getPartitionsList()) {
            if (p.getPartitionMaxBytes() < 0) {
                throw GrpcErrors.invalidArgument("partition_max_bytes must be >= 0, got " + p.getPartitionMaxBytes()
                        + " for " + p.getTopic() + "-" + p.getPartition());
            }
        }
        List<TopicPartition> keys = new ArrayList<>();
        List<Partition> watched = new ArrayList<>();
        List<FetchPartition> watchedSpecs = new ArrayList<>();
        boolean anyError = false;
        for (FetchPartition spec : request.getPartitionsList()) {
            Object found = PartitionReader.lookup(replicaManager, spec);
            if (found instanceof Partition p) {
                keys.add(p.topicPartition());
                watched.add(p);
                watchedSpecs.add(spec);
            } else {
                anyError = true;
            }
        }
        int minBytes = Math.max(1, request.getMinBytes());
        FetchResponseBuilder first = readAll(request);
        if (anyError || first.sizeBytes >= minBytes || request.getMaxWaitMs() == 0 || keys.isEmpty()
                || first.failed) {
            respond(observer, first, startNs);
            return;
        }
        long waitMs = Math.min(request.getMaxWaitMs(), replicaManager.config().fetchMaxWaitMs());
        int[] epochs = new int[watched.size()];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = watched.get(i).view().leaderEpoch();
        }
        replicaManager.purgatory().watch(keys, waitMs, () -> {
            boolean news = false;
            for (int i = 0; i < watched.size(); i++) {
                news |= watched.get(i).hasNews(watchedSpecs.get(i).getFetchOffset(), epochs[i]);
            }
            return news && (minBytes <= 1 || readAll(request).sizeBytes >= minBytes);
        }, timedOut -> respond(observer, readAll(request), startNs));
    }

    /** A fetch answer being put together, with its record bytes. */
    private static final class FetchResponseBuilder {
        final FetchResponse.Builder response = FetchResponse.newBuilder();
        int sizeBytes;
        boolean failed;
    }

    private FetchResponseBuilder readAll(FetchRequest request) {
        FetchResponseBuilder out = new FetchResponseBuilder();
        int budget = request.getMaxBytes() == 0 ? replicaManager.config().fetchMaxBytes()
                : Math.min(request.getMaxBytes(), replicaManager.config().fetchMaxBytes());
        for (FetchPartition spec : request.getPartitionsList()) {
            int limit = spec.getPartitionMaxBytes() == 0 ? budget : Math.min(spec.getPartitionMaxBytes(), budget);
            PartitionReader.Result r = PartitionReader.read(replicaManager, spec, spec.getFetchOffset(),
                    Math.max(0, Math.min(limit, budget - out.sizeBytes)), out.sizeBytes == 0,
                    request.getDecodeRecords());
            out.response.addPartitions(r.response());
            out.sizeBytes += r.sizeBytes();
            out.failed |= r.failed();
        }
        return out;
    }

    private void respond(StreamObserver<FetchResponse> observer, FetchResponseBuilder out, long startNs) {
        metrics.bytesOut(out.sizeBytes);
        observer.onNext(out.response.build());
        observer.onCompleted();
        metrics.request(ApiMetrics.FETCH, startNs);
    }

    @Override
    public StreamObserver<SubscribeRequest> subscribe(StreamObserver<FetchResponse> observer) {
        return new Subscription(replicaManager, metrics, (ServerCallStreamObserver<FetchResponse>) observer);
    }

    @Override
    public void listOffsets(ListOffsetsRequest request, StreamObserver<ListOffsetsResponse> observer) {
        long startNs = System.nanoTime();
        observer.onNext(ListOffsetsHandler.handle(replicaManager, request));
        observer.onCompleted();
        metrics.request(ApiMetrics.LIST_OFFSETS, startNs);
    }
}
