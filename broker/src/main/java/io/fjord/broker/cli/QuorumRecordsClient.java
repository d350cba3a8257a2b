package io.fjord.broker.cli;

import com.google.protobuf.ByteString;
import io.fjord.proto.internal.v1.AppendRecordRequest;
import io.fjord.proto.internal.v1.AppendRecordResponse;
import io.fjord.proto.internal.v1.QuorumRecordsGrpc;
import io.fjord.proto.internal.v1.ReadCommittedRequest;
import io.fjord.proto.internal.v1.ReadCommittedResponse;
import io.grpc.StatusRuntimeException;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Appends through whichever node leads (following NOT_LEADER answers) and reads committed records back. */
final class QuorumRecordsClient {
    private final LocalQuorumCluster cluster;
    private int leaderGuess;

    QuorumRecordsClient(LocalQuorumCluster cluster) {
        this.cluster = cluster;
        this.leaderGuess = cluster.ids().get(0);
    }

    /**
     * Appends {@code value} once; returns its committed offset, or -1 if this attempt was not acknowledged (no
     * leader, a leader change, a node down): the caller may retry, and the record may then be committed twice.
     */
    long appendOnce(byte[] value, long timeoutMs) {
        try {
            AppendRecordResponse answer = QuorumRecordsGrpc.newBlockingStub(cluster.channel(leaderGuess))
                    .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                    .append(AppendRecordRequest.newBuilder().setValue(ByteString.copyFrom(value)).build());
            if (answer.getOutcome() == AppendRecordResponse.Outcome.NONE) {
                return answer.getOffset();
            }
            nextGuess(answer.getLeaderId());
        } catch (StatusRuntimeException e) {
            nextGuess(-1);
        }
        return -1;
    }

    private void nextGuess(int named) {
        List<Integer> ids = cluster.ids();
        if (named > 0 && named != leaderGuess) {
            leaderGuess = named;
        } else {
            leaderGuess = ids.get((ids.indexOf(leaderGuess) + 1) % ids.size());
        }
    }

    ReadCommittedResponse read(int nodeId, long fromOffset, int max) {
        return QuorumRecordsGrpc.newBlockingStub(cluster.channel(nodeId)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .readCommitted(ReadCommittedRequest.newBuilder().setFromOffset(fromOffset).setMaxRecords(max).build());
    }
}
