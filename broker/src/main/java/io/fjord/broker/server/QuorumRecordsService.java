package io.fjord.broker.server;

import com.google.protobuf.ByteString;
import io.fjord.proto.internal.v1.AppendRecordRequest;
import io.fjord.proto.internal.v1.AppendRecordResponse;
import io.fjord.proto.internal.v1.CommittedRecord;
import io.fjord.proto.internal.v1.QuorumRecordsGrpc;
import io.fjord.proto.internal.v1.ReadCommittedRequest;
import io.fjord.proto.internal.v1.ReadCommittedResponse;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.NotLeaderException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletionException;

/** The QuorumRecords tool API (see {@code quorum_records.proto}) over a node's driver and {@link QuorumRecordLog}. */
final class QuorumRecordsService extends QuorumRecordsGrpc.QuorumRecordsImplBase {
    static final int MAX_RECORD_BYTES = 1 << 20;

    private final QuorumDriver driver;
    private final QuorumRecordLog records;

    QuorumRecordsService(QuorumDriver driver, QuorumRecordLog records) {
        this.driver = driver;
        this.records = records;
    }

    @Override
    public void append(AppendRecordRequest request, StreamObserver<AppendRecordResponse> responses) {
        if (request.getValue().size() > MAX_RECORD_BYTES) {
            responses.onError(Status.INVALID_ARGUMENT.withDescription("record of " + request.getValue().size()
                    + " bytes is larger than the limit of " + MAX_RECORD_BYTES).asRuntimeException());
            return;
        }
        driver.append(request.getValue().toByteArray()).whenComplete((offset, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause == null) {
                responses.onNext(AppendRecordResponse.newBuilder().setOffset(offset).build());
                responses.onCompleted();
            } else if (cause instanceof NotLeaderException notLeader) {
                responses.onNext(AppendRecordResponse.newBuilder().setOutcome(AppendRecordResponse.Outcome.NOT_LEADER)
                        .setLeaderId(notLeader.leaderId()).setMessage(notLeader.getMessage()).build());
                responses.onCompleted();
            } else {
                responses.onError(Status.UNAVAILABLE.withDescription(String.valueOf(cause.getMessage()))
                        .asRuntimeException());
            }
        });
    }

    @Override
    public void readCommitted(ReadCommittedRequest request, StreamObserver<ReadCommittedResponse> responses) {
        if (request.getFromOffset() < 0 || request.getMaxRecords() < 1 || request.getMaxRecords() > 10_000) {
            responses.onError(Status.INVALID_ARGUMENT.withDescription("from_offset must be >= 0 and max_records"
                    + " from 1 to 10000, not " + request.getFromOffset() + " and " + request.getMaxRecords())
                    .asRuntimeException());
            return;
        }
        ReadCommittedResponse.Builder out = ReadCommittedResponse.newBuilder()
                .setHighWatermark(driver.status().highWatermark());
        for (LogEntry e : records.read(request.getFromOffset(), request.getMaxRecords())) {
            out.addRecords(CommittedRecord.newBuilder().setOffset(e.offset()).setEpoch(e.epoch())
                    .setValue(ByteString.copyFrom(e.data())));
        }
        responses.onNext(out.build());
        responses.onCompleted();
    }
}
