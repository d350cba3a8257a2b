package io.fjord.broker.api;

import com.google.protobuf.UnsafeByteOperations;
import io.fjord.broker.replica.ApiErrors;
import io.fjord.broker.replica.ApiException;
import io.fjord.broker.replica.Partition;
import io.fjord.broker.replica.ReplicaManager;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.FetchPartition;
import io.fjord.proto.v1.FetchPartitionResponse;
import io.fjord.proto.v1.Record;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads one partition for a fetch or a subscription into a {@link FetchPartitionResponse}. The log hands back a
 * buffer of its own (read from the file for this call), which nobody changes afterwards, so it goes into the
 * response without a copy ({@link UnsafeByteOperations#unsafeWrap}). Stateless.
 */
final class PartitionReader {
    /** One partition's answer and the record batch bytes it carries. */
    record Result(FetchPartitionResponse response, int sizeBytes, long nextFetchOffset, boolean failed) {
    }

    private PartitionReader() {
    }

    /** The partition led here, or the error answering for it. */
    static Object lookup(ReplicaManager replicaManager, FetchPartition spec) {
        try {
            return replicaManager.leaderPartition(spec.getTopic(), spec.getPartition(), epoch(spec));
        } catch (RuntimeException e) {
            return ApiErrors.from(e);
        }
    }

    static Optional<Integer> epoch(FetchPartition spec) {
        return spec.hasCurrentLeaderEpoch() ? Optional.of(spec.getCurrentLeaderEpoch()) : Optional.empty();
    }

    static Result read(ReplicaManager replicaManager, FetchPartition spec, long fetchOffset, int maxBytes,
                       boolean minOneBatch, boolean decode) {
        FetchPartitionResponse.Builder out = FetchPartitionResponse.newBuilder().setTopic(spec.getTopic())
                .setPartition(spec.getPartition());
        try {
            Partition partition = replicaManager.leaderPartition(spec.getTopic(), spec.getPartition(), epoch(spec));
            Partition.ReadResult read = replicaManager.read(partition, fetchOffset, Math.max(0, maxBytes), minOneBatch,
                    epoch(spec));
            ByteBuffer batches = read.records();
            int size = batches.remaining();
            long next = RecordConversions.nextOffset(batches, fetchOffset);
            out.setErrorCode(ErrorCode.NONE).setHighWatermark(read.highWatermark())
                    .setLogStartOffset(read.logStartOffset()).setLastStableOffset(read.highWatermark())
                    .setNextFetchOffset(next);
            if (decode) {
                List<Record> records = new ArrayList<>();
                RecordConversions.decode(batches, fetchOffset, records);
                out.addAllRecords(records);
            } else if (size > 0) {
                out.setRecordBatches(UnsafeByteOperations.unsafeWrap(batches));
            }
            return new Result(out.build(), size, next, false);
        } catch (RuntimeException e) {
            ApiException error = ApiErrors.from(e);
            out.setErrorCode(error.code()).setErrorMessage(String.valueOf(error.getMessage())).setHighWatermark(-1)
                    .setLogStartOffset(-1).setLastStableOffset(-1).setNextFetchOffset(fetchOffset);
            return new Result(out.build(), 0, fetchOffset, true);
        }
    }
}
