package io.fjord.broker.api;

import io.fjord.broker.replica.ApiErrors;
import io.fjord.broker.replica.ApiException;
import io.fjord.broker.replica.Partition;
import io.fjord.broker.replica.ReplicaManager;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.PartitionProduceData;
import io.fjord.proto.v1.PartitionProduceResponse;
import io.fjord.proto.v1.ProduceRequest;
import io.fjord.proto.v1.ProduceResponse;
import io.fjord.proto.v1.ProduceServiceGrpc;
import io.fjord.storage.log.ValidatedBatches;
import io.grpc.stub.StreamObserver;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code fjord.v1.ProduceService}: appends to the partitions this broker leads. Fast path (raw record batches) and
 * simple path (records, built into one uncompressed batch) are both validated in full on the request thread, outside
 * the partition's lock. acks 0 and 1 answer after the leader append; acks -1 waits in the purgatory until the HW
 * passes the records (or the request's timeout). Every partition gets its own result with an error code and message;
 * nothing a client sends stops the broker. Thread-safe.
 */
public final class ProduceGrpcService extends ProduceServiceGrpc.ProduceServiceImplBase {
    private final ReplicaManager replicaManager;
    private final ApiMetrics metrics;

    public ProduceGrpcService(ReplicaManager replicaManager, ApiMetrics metrics) {
        this.replicaManager = replicaManager;
        this.metrics = metrics;
    }

    @Override
    public void produce(ProduceRequest request, StreamObserver<ProduceResponse> observer) {
        long startNs = System.nanoTime();
        int count = request.getPartitionsCount();
        AtomicReferenceArray<PartitionProduceResponse> results = new AtomicReferenceArray<>(count);
        AtomicInteger pending = new AtomicInteger(count + 1); // +1: until every partition has been started
        Runnable oneDone = () -> {
            if (pending.decrementAndGet() == 0) {
                ProduceResponse.Builder response = ProduceResponse.newBuilder();
                for (int i = 0; i < count; i++) {
                    response.addPartitions(results.get(i));
                }
                observer.onNext(response.build());
                observer.onCompleted();
                metrics.request(ApiMetrics.PRODUCE, startNs);
            }
        };
        int acks = request.getAcks();
        long timeoutMs = request.getTimeoutMs() > 0 ? request.getTimeoutMs()
                : replicaManager.config().requestTimeoutMs();
        for (int i = 0; i < count; i++) {
            PartitionProduceData data = request.getPartitions(i);
            // only the names outlive the append: the records are a view of the whole request
            String topic = data.getTopic();
            int partitionId = data.getPartition();
            int index = i;
            try {
                if (acks != 0 && acks != 1 && acks != -1) {
                    throw new ApiException(ErrorCode.INVALID_REQUIRED_ACKS, "acks=" + acks
                            + " is not allowed: use -1 (all), 0 or 1");
                }
                Partition partition = replicaManager.leaderPartition(topic, partitionId, Optional.empty());
                ValidatedBatches batches = validate(data, partition);
                ReplicaManager.AppendResult appended = replicaManager.append(partition, batches, acks);
                metrics.bytesIn(batches.sizeInBytes());
                if (acks == -1) {
                    replicaManager.awaitReplication(partition, appended.info().lastOffset(), appended.leaderEpoch(),
                            timeoutMs, error -> {
                                results.set(index, error == null ? success(topic, partitionId, appended)
                                        : failure(topic, partitionId, error));
                                oneDone.run();
                            });
                    continue;
                }
                results.set(index, success(topic, partitionId, appended));
            } catch (RuntimeException e) {
                results.set(index, failure(topic, partitionId, ApiErrors.from(e)));
            }
            oneDone.run();
        }
        oneDone.run();
    }

    private ValidatedBatches validate(PartitionProduceData data, Partition partition) {
        boolean hasBatches = !data.getRecordBatches().isEmpty();
        boolean hasRecords = data.getRecordsCount() > 0;
        if (hasBatches == hasRecords) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, hasBatches
                    ? "set either record_batches or records for " + data.getTopic() + "-" + data.getPartition()
                    + ", not both"
                    : "no records for " + data.getTopic() + "-" + data.getPartition());
        }
        // a copy, on purpose: protobuf's bytes are immutable, and the log stamps offsets into the buffer it appends
        ByteBuffer records = hasBatches ? ByteBuffer.wrap(data.getRecordBatches().toByteArray())
                : RecordConversions.toBatch(data.getRecordsList(), replicaManager.clock().nowMs());
        try {
            return ValidatedBatches.fromProducer(records, partition.maxMessageBytes());
        } catch (RuntimeException e) {
            ApiException error = ApiErrors.from(e);
            throw new ApiException(error.code(), data.getTopic() + "-" + data.getPartition() + ": "
                    + error.getMessage());
        }
    }

    private static PartitionProduceResponse success(String topic, int partition,
                                                    ReplicaManager.AppendResult appended) {
        return PartitionProduceResponse.newBuilder().setTopic(topic).setPartition(partition)
                .setErrorCode(ErrorCode.NONE).setBaseOffset(appended.info().firstOffset())
                .setLogStartOffset(appended.logStartOffset()).setLogAppendTimeMs(-1).build();
    }

    private static PartitionProduceResponse failure(String topic, int partition, ApiException error) {
        return PartitionProduceResponse.newBuilder().setTopic(topic).setPartition(partition)
                .setErrorCode(error.code()).setErrorMessage(String.valueOf(error.getMessage())).setBaseOffset(-1)
                .setLogStartOffset(-1).setLogAppendTimeMs(-1).build();
    }
}
