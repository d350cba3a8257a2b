package io.fjord.broker.api;

import io.fjord.broker.replica.ApiErrors;
import io.fjord.broker.replica.ApiException;
import io.fjord.broker.replica.Partition;
import io.fjord.broker.replica.PartitionView;
import io.fjord.broker.replica.ReplicaManager;
import io.fjord.proto.v1.ErrorCode;
import io.fjord.proto.v1.ListOffsetsPartition;
import io.fjord.proto.v1.ListOffsetsPartitionResponse;
import io.fjord.proto.v1.ListOffsetsRequest;
import io.fjord.proto.v1.ListOffsetsResponse;
import io.fjord.storage.index.TimestampOffset;

import java.util.Optional;

/**
 * Kafka's ListOffsets: EARLIEST is the log start, LATEST the HW (where a new consumer starts), TIMESTAMP the first
 * record at or after the time below the HW (else offset -1). Stateless.
 */
final class ListOffsetsHandler {
    private ListOffsetsHandler() {
    }

    static ListOffsetsResponse handle(ReplicaManager replicaManager, ListOffsetsRequest request) {
        ListOffsetsResponse.Builder response = ListOffsetsResponse.newBuilder();
        for (ListOffsetsPartition spec : request.getPartitionsList()) {
            ListOffsetsPartitionResponse.Builder out = ListOffsetsPartitionResponse.newBuilder()
                    .setTopic(spec.getTopic()).setPartition(spec.getPartition()).setOffset(-1).setTimestampMs(-1)
                    .setLeaderEpoch(-1);
            try {
                Partition partition = replicaManager.leaderPartition(spec.getTopic(), spec.getPartition(),
                        Optional.empty());
                PartitionView view = partition.view();
                out.setLeaderEpoch(view.leaderEpoch());
                switch (spec.getSpec()) {
                    case OFFSET_SPEC_EARLIEST -> out.setOffset(view.logStartOffset());
                    case OFFSET_SPEC_LATEST -> out.setOffset(view.highWatermark());
                    case OFFSET_SPEC_TIMESTAMP -> {
                        Optional<TimestampOffset> found = replicaManager.offsetForTimestamp(partition,
                                spec.getTimestampMs());
                        found.ifPresent(f -> out.setOffset(f.offset()).setTimestampMs(f.timestamp()));
                    }
                    default -> throw new ApiException(ErrorCode.INVALID_REQUEST, "spec " + spec.getSpec()
                            + " for " + spec.getTopic() + "-" + spec.getPartition()
                            + ": use EARLIEST, LATEST or TIMESTAMP");
                }
                out.setErrorCode(ErrorCode.NONE);
            } catch (RuntimeException e) {
                ApiException error = ApiErrors.from(e);
                out.setErrorCode(error.code()).setErrorMessage(String.valueOf(error.getMessage())).setOffset(-1)
                        .setTimestampMs(-1);
            }
            response.addPartitions(out);
        }
        return response.build();
    }
}
