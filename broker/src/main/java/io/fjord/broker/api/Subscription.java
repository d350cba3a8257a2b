package io.fjord.broker.api;

import io.fjord.broker.replica.Partition;
import io.fjord.broker.replica.ReplicaManager;
import io.fjord.proto.v1.FetchPartition;
import io.fjord.proto.v1.FetchResponse;
import io.fjord.proto.v1.SubscribeRequest;
import io.fjord.proto.v1.SubscribeStart;
import io.fjord.storage.log.TopicPartition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code Subscribe} stream: pushes each partition's data as it becomes readable (below the HW), within the
 * credit the client granted in bytes: a response is sent only while credit is left, and its bytes are taken from the
 * credit (a partition gets at least one whole batch when any credit is left, so credit can go below zero). It also
 * sends only while gRPC says the stream {@link ServerCallStreamObserver#isReady() is ready}, and resumes on
 * {@code onReady}, so a slow client costs no broker memory. With nothing to send it waits in the purgatory for its
 * partitions. A partition that fails gets one response with the error and is dropped; the others continue.
 *
 * <p>State: {@code new → started → closed} (client completion, cancellation, error, or the broker closing).
 * Thread-safety: every step holds this object's lock, so responses go out one at a time.
 */
final class Subscription implements StreamObserver<SubscribeRequest> {
    private final ReplicaManager replicaManager;
    private final ApiMetrics metrics;
    private final ServerCallStreamObserver<FetchResponse> observer;
    private final long startNs = System.nanoTime();
    private final List<FetchPartition> partitions = new ArrayList<>(); // guarded by this
    private final List<Long> offsets = new ArrayList<>();
    private boolean decode;
    private boolean started;
    private boolean closed;
    private boolean waiting;
    private long creditBytes;

    Subscription(ReplicaManager replicaManager, ApiMetrics metrics, ServerCallStreamObserver<FetchResponse> observer) {
        this.replicaManager = replicaManager;
        this.metrics = metrics;
        this.observer = observer;
        observer.setOnReadyHandler(this::pump);
        observer.setOnCancelHandler(this::cancelled);
    }

    @Override
    public synchronized void onNext(SubscribeRequest request) {
        if (closed) {
            return;
        }
        if (request.hasStart()) {
            if (started) {
                fail(Status.INVALID_ARGUMENT.withDescription("SubscribeStart may be sent only once"));
                return;
            }
            SubscribeStart start = request.getStart();
            if (start.getInitialCreditBytes() < 0) {
                fail(Status.INVALID_ARGUMENT.withDescription("initial_credit_bytes must be >= 0, got "
                        + start.getInitialCreditBytes()));
                return;
            }
            started = true;
            decode = start.getDecodeRecords();
            creditBytes = start.getInitialCreditBytes();
            for (FetchPartition p : start.getPartitionsList()) {
                partitions.add(p);
                offsets.add(p.getFetchOffset());
            }
        } else if (request.hasCreditBytes()) {
            if (!started || request.getCreditBytes() < 0) {
                fail(Status.INVALID_ARGUMENT.withDescription(started ? "credit_bytes must be >= 0, got "
                        + request.getCreditBytes() : "the first message must be a SubscribeStart"));
                return;
            }
            creditBytes += request.getCreditBytes();
        } else {
            fail(Status.INVALID_ARGUMENT.withDescription("an empty SubscribeRequest"));
            return;
        }
        pump();
    }

    /**
     * Sends what is readable while credit is left and the stream is ready; otherwise waits for news. A call from
     * inside a pump (a purgatory watch that completes at once) is turned into another round of the outer loop, not
     * a deeper stack.
     */
    synchronized void pump() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                pumpRound();
            } while (pumpAgain && !closed);
        } finally {
            pumping = false;
        }
    }

    private void pumpRound() {
        while (started && !closed && creditBytes > 0 && observer.isReady() && !partitions.isEmpty()) {
            FetchResponse.Builder response = FetchResponse.newBuilder();
            int sizeBytes = 0;
            for (int i = 0; i < partitions.size(); i++) {
                long budget = Math.min(creditBytes - sizeBytes, replicaManager.config().fetchMaxBytes());
                FetchPartition spec = partitions.get(i);
                int limit = spec.getPartitionMaxBytes() > 0 ? (int) Math.min(spec.getPartitionMaxBytes(), budget)
                        : (int) budget;
                PartitionReader.Result r = PartitionReader.read(replicaManager, spec, offsets.get(i),
                        Math.max(0, limit), true, decode);
                if (r.failed() || r.sizeBytes() > 0) {
                    response.addPartitions(r.response());
                    sizeBytes += r.sizeBytes();
                    offsets.set(i, r.nextFetchOffset());
                }
                if (r.failed()) {
                    partitions.remove(i);
                    offsets.remove(i);
                    i--;
                }
            }
            if (response.getPartitionsCount() == 0) {
                awaitData();
                return;
            }
            creditBytes -= sizeBytes;
            metrics.bytesOut(sizeBytes);
            observer.onNext(response.build());
        }
    }

    private boolean pumping;
    private boolean pumpAgain;

    private void awaitData() {
        if (waiting || replicaManager.purgatory().isClosed()) {
            if (replicaManager.purgatory().isClosed()) {
                fail(Status.UNAVAILABLE.withDescription("the broker is shutting down"));
            }
            return;
        }
        List<TopicPartition> keys = new ArrayList<>();
        List<Partition> hosted = new ArrayList<>();
        List<Long> from = new ArrayList<>();
        List<Integer> epochs = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i++) {
            Object found = PartitionReader.lookup(replicaManager, partitions.get(i));
            if (found instanceof Partition p) {
                keys.add(p.topicPartition());
                hosted.add(p);
                from.add(offsets.get(i));
                epochs.add(p.view().leaderEpoch());
            }
        }
        waiting = true;
        replicaManager.purgatory().watch(keys, replicaManager.config().fetchMaxWaitMs(), () -> {
            for (int i = 0; i < hosted.size(); i++) {
                if (hosted.get(i).hasNews(from.get(i), epochs.get(i))) {
                    return true;
                }
            }
            return false;
        }, timedOut -> {
            synchronized (this) {
                waiting = false;
            }
            if (!timedOut || !replicaManager.purgatory().isClosed()) {
                pump();
            } else {
                synchronized (this) {
                    fail(Status.UNAVAILABLE.withDescription("the broker is shutting down"));
                }
            }
        });
    }

    private void fail(Status status) {
        if (!closed) {
            closed = true;
            observer.onError(status.asRuntimeException());
            metrics.request(ApiMetrics.SUBSCRIBE, startNs);
        }
    }

    private synchronized void cancelled() {
        closed = true;
    }

    @Override
    public synchronized void onError(Throwable t) {
        closed = true;
    }

    @Override
    public synchronized void onCompleted() {
        if (!closed) {
            closed = true;
            observer.onCompleted();
            metrics.request(ApiMetrics.SUBSCRIBE, startNs);
        }
    }
}
