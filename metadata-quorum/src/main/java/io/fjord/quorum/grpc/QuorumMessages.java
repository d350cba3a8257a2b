package io.fjord.quorum.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.fjord.proto.internal.v1.BeginQuorumEpoch;
import io.fjord.proto.internal.v1.BeginQuorumEpochResponse;
import io.fjord.proto.internal.v1.DescribeQuorumResponse;
import io.fjord.proto.internal.v1.DirectoryId;
import io.fjord.proto.internal.v1.EndQuorumEpoch;
import io.fjord.proto.internal.v1.FetchRequest;
import io.fjord.proto.internal.v1.FetchResponse;
import io.fjord.proto.internal.v1.FetchSnapshotRequest;
import io.fjord.proto.internal.v1.FetchSnapshotResponse;
import io.fjord.proto.internal.v1.QuorumEnvelope;
import io.fjord.proto.internal.v1.QuorumError;
import io.fjord.proto.internal.v1.VoteRequest;
import io.fjord.proto.internal.v1.VoteResponse;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.Message;
import io.fjord.quorum.raft.OffsetAndEpoch;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Converts quorum messages between the Raft core's {@link Message.Envelope} and the wire's {@link QuorumEnvelope}
 * ({@code fjord/internal/v1/quorum.proto}). Pure and stateless. Optional fields map null to unset and back; the
 * bytes of entries and snapshot chunks are wrapped, not copied, on the way out (the core never changes an array
 * it has handed over) and copied once on the way in.
 *
 * <p>Malformed input (no body, an unknown error code, a required field unset) is refused with an
 * {@link IllegalArgumentException} naming the problem and the sender.
 */
public final class QuorumMessages {
    private QuorumMessages() {
    }

    /** The wire form of {@code envelope}. */
    public static QuorumEnvelope toProto(Message.Envelope envelope) {
        QuorumEnvelope.Builder out = QuorumEnvelope.newBuilder().setFrom(envelope.from()).setTo(envelope.to());
        Message body = envelope.body();
        if (body instanceof Message.VoteRequest m) {
            out.setVoteRequest(voteRequest(m));
        } else if (body instanceof Message.VoteResponse m) {
            out.setVoteResponse(voteResponse(m));
        } else if (body instanceof Message.BeginQuorumEpoch m) {
            out.setBeginQuorumEpoch(BeginQuorumEpoch.newBuilder().setEpoch(m.epoch()).setLeaderId(m.leaderId()));
        } else if (body instanceof Message.BeginQuorumEpochResponse m) {
            out.setBeginQuorumEpochResponse(BeginQuorumEpochResponse.newBuilder().setEpoch(m.epoch())
                    .setError(error(m.error())));
        } else if (body instanceof Message.EndQuorumEpoch m) {
            out.setEndQuorumEpoch(EndQuorumEpoch.newBuilder().setEpoch(m.epoch()).setLeaderId(m.leaderId())
                    .addAllPreferredSuccessors(m.preferredSuccessors()));
        } else if (body instanceof Message.FetchRequest m) {
            out.setFetchRequest(fetchRequest(m));
        } else if (body instanceof Message.FetchResponse m) {
            out.setFetchResponse(fetchResponse(m));
        } else if (body instanceof Message.FetchSnapshotRequest m) {
            out.setFetchSnapshotRequest(fetchSnapshotRequest(m));
        } else if (body instanceof Message.FetchSnapshotResponse m) {
            out.setFetchSnapshotResponse(fetchSnapshotResponse(m));
        } else {
            throw new IllegalArgumentException("envelope " + envelope.from() + "->" + envelope.to()
                    + " has no message body");
        }
        return out.build();
    }

    /** The core's form of {@code envelope}; throws {@link IllegalArgumentException} if it is malformed. */
    public static Message.Envelope fromProto(QuorumEnvelope envelope) {
        try {
            return new Message.Envelope(envelope.getFrom(), envelope.getTo(), body(envelope));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed quorum envelope " + envelope.getFrom() + "->"
                    + envelope.getTo() + ": " + e.getMessage(), e);
        }
    }

    private static Message body(QuorumEnvelope envelope) {
        switch (envelope.getBodyCase()) {
            case VOTE_REQUEST:
                return voteRequest(envelope.getVoteRequest());
            case VOTE_RESPONSE:
                VoteResponse vr = envelope.getVoteResponse();
                return new Message.VoteResponse(vr.getEpoch(), vr.getLeaderId(), vr.getGranted(), vr.getPreVote(),
                        vr.hasVoterDirectoryId() ? uuid(vr.getVoterDirectoryId()) : null);
            case BEGIN_QUORUM_EPOCH:
                BeginQuorumEpoch b = envelope.getBeginQuorumEpoch();
                return new Message.BeginQuorumEpoch(b.getEpoch(), b.getLeaderId());
            case BEGIN_QUORUM_EPOCH_RESPONSE:
                BeginQuorumEpochResponse br = envelope.getBeginQuorumEpochResponse();
                return new Message.BeginQuorumEpochResponse(br.getEpoch(), error(br.getError(), br.getErrorValue()));
            case END_QUORUM_EPOCH:
                EndQuorumEpoch e = envelope.getEndQuorumEpoch();
                return new Message.EndQuorumEpoch(e.getEpoch(), e.getLeaderId(),
                        List.copyOf(e.getPreferredSuccessorsList()));
            case FETCH_REQUEST:
                return fetchRequest(envelope.getFetchRequest());
            case FETCH_RESPONSE:
                return fetchResponse(envelope.getFetchResponse());
            case FETCH_SNAPSHOT_REQUEST:
                return fetchSnapshotRequest(envelope.getFetchSnapshotRequest());
            case FETCH_SNAPSHOT_RESPONSE:
                return fetchSnapshotResponse(envelope.getFetchSnapshotResponse());
            case BODY_NOT_SET:
                throw new IllegalArgumentException("no message body");
            default:
                throw new IllegalArgumentException("unknown message body " + envelope.getBodyCase());
        }
    }

    /** The management view of {@code status} ({@code DescribeQuorum}). */
    public static DescribeQuorumResponse describeQuorumResponse(QuorumDriver.Status status) {
        return DescribeQuorumResponse.newBuilder().setNodeId(status.nodeId()).setState(status.state())
                .setEpoch(status.epoch()).setLeaderId(status.leaderId()).setHighWatermark(status.highWatermark())
                .setLogEndOffset(status.logEndOffset()).putAllReplicaLag(status.replicaLag()).build();
    }

    // ---- elections ----

    private static VoteRequest voteRequest(Message.VoteRequest m) {
        VoteRequest.Builder b = VoteRequest.newBuilder().setEpoch(m.epoch()).setCandidateId(m.candidateId())
                .setLastLog(required(m.lastLog(), "VoteRequest.lastLog")).setPreVote(m.preVote());
        if (m.candidateDirectoryId() != null) {
            b.setCandidateDirectoryId(directoryId(m.candidateDirectoryId()));
        }
        if (m.voterDirectoryId() != null) {
            b.setVoterDirectoryId(directoryId(m.voterDirectoryId()));
        }
        return b.build();
    }

    private static Message.VoteRequest voteRequest(VoteRequest p) {
        if (!p.hasLastLog()) {
            throw new IllegalArgumentException("VoteRequest without last_log");
        }
        return new Message.VoteRequest(p.getEpoch(), p.getCandidateId(),
                p.hasCandidateDirectoryId() ? uuid(p.getCandidateDirectoryId()) : null,
                p.hasVoterDirectoryId() ? uuid(p.getVoterDirectoryId()) : null,
                offsetAndEpoch(p.getLastLog()), p.getPreVote());
    }

    private static VoteResponse voteResponse(Message.VoteResponse m) {
        VoteResponse.Builder b = VoteResponse.newBuilder().setEpoch(m.epoch()).setLeaderId(m.leaderId())
                .setGranted(m.granted()).setPreVote(m.preVote());
        if (m.voterDirectoryId() != null) {
            b.setVoterDirectoryId(directoryId(m.voterDirectoryId()));
        }
        return b.build();
    }

    // ---- replication ----

    private static FetchRequest fetchRequest(Message.FetchRequest m) {
        FetchRequest.Builder b = FetchRequest.newBuilder().setEpoch(m.epoch()).setReplicaId(m.replicaId())
                .setFetchOffset(m.fetchOffset()).setLastFetchedEpoch(m.lastFetchedEpoch())
                .setCorrelationId(m.correlationId()).setMaxWaitMs(m.maxWaitMs());
        if (m.replicaDirectoryId() != null) {
            b.setReplicaDirectoryId(directoryId(m.replicaDirectoryId()));
        }
        return b.build();
    }

    private static Message.FetchRequest fetchRequest(FetchRequest p) {
        return new Message.FetchRequest(p.getEpoch(), p.getReplicaId(),
                p.hasReplicaDirectoryId() ? uuid(p.getReplicaDirectoryId()) : null, p.getFetchOffset(),
                p.getLastFetchedEpoch(), p.getCorrelationId(), p.getMaxWaitMs());
    }

    private static FetchResponse fetchResponse(Message.FetchResponse m) {
        FetchResponse.Builder b = FetchResponse.newBuilder().setEpoch(m.epoch()).setLeaderId(m.leaderId())
                .setError(error(m.error())).setHighWatermark(m.highWatermark()).setCorrelationId(m.correlationId());
        if (m.entries() != null) {
            for (LogEntry entry : m.entries()) {
                b.addEntries(io.fjord.proto.internal.v1.LogEntry.newBuilder().setOffset(entry.offset())
                        .setEpoch(entry.epoch()).setControl(entry.control()).setData(wrap(entry.data())));
            }
        }
        if (m.divergingEpoch() != null) {
            b.setDivergingEpoch(offsetAndEpoch(m.divergingEpoch()));
        }
        if (m.snapshotId() != null) {
            b.setSnapshotId(offsetAndEpoch(m.snapshotId()));
        }
        return b.build();
    }

    private static Message.FetchResponse fetchResponse(FetchResponse p) {
        List<LogEntry> entries = new ArrayList<>(p.getEntriesCount());
        for (io.fjord.proto.internal.v1.LogEntry e : p.getEntriesList()) {
            entries.add(new LogEntry(e.getOffset(), e.getEpoch(), e.getControl(), e.getData().toByteArray()));
        }
        return new Message.FetchResponse(p.getEpoch(), p.getLeaderId(), error(p.getError(), p.getErrorValue()),
                List.copyOf(entries), p.getHighWatermark(),
                p.hasDivergingEpoch() ? offsetAndEpoch(p.getDivergingEpoch()) : null,
                p.hasSnapshotId() ? offsetAndEpoch(p.getSnapshotId()) : null, p.getCorrelationId());
    }

    // ---- snapshots ----

    private static FetchSnapshotRequest fetchSnapshotRequest(Message.FetchSnapshotRequest m) {
        return FetchSnapshotRequest.newBuilder().setEpoch(m.epoch()).setReplicaId(m.replicaId())
                .setSnapshotId(required(m.snapshotId(), "FetchSnapshotRequest.snapshotId"))
                .setPosition(m.position()).setCorrelationId(m.correlationId()).build();
    }

    private static Message.FetchSnapshotRequest fetchSnapshotRequest(FetchSnapshotRequest p) {
        if (!p.hasSnapshotId()) {
            throw new IllegalArgumentException("FetchSnapshotRequest without snapshot_id");
        }
        return new Message.FetchSnapshotRequest(p.getEpoch(), p.getReplicaId(), offsetAndEpoch(p.getSnapshotId()),
                p.getPosition(), p.getCorrelationId());
    }

    private static FetchSnapshotResponse fetchSnapshotResponse(Message.FetchSnapshotResponse m) {
        FetchSnapshotResponse.Builder b = FetchSnapshotResponse.newBuilder().setEpoch(m.epoch())
                .setLeaderId(m.leaderId()).setError(error(m.error())).setSize(m.size()).setPosition(m.position())
                .setChunk(m.chunk() == null ? ByteString.EMPTY : wrap(m.chunk())).setCorrelationId(m.correlationId());
        if (m.snapshotId() != null) {
            b.setSnapshotId(offsetAndEpoch(m.snapshotId()));
        }
        return b.build();
    }

    private static Message.FetchSnapshotResponse fetchSnapshotResponse(FetchSnapshotResponse p) {
        return new Message.FetchSnapshotResponse(p.getEpoch(), p.getLeaderId(), error(p.getError(), p.getErrorValue()),
                p.hasSnapshotId() ? offsetAndEpoch(p.getSnapshotId()) : null, p.getSize(), p.getPosition(),
                p.getChunk().toByteArray(), p.getCorrelationId());
    }

    // ---- fields ----

    /** No copy: the core does not change a byte array once it is in a message. */
    private static ByteString wrap(byte[] bytes) {
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    private static io.fjord.proto.internal.v1.OffsetAndEpoch required(OffsetAndEpoch value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return offsetAndEpoch(value);
    }

    private static io.fjord.proto.internal.v1.OffsetAndEpoch offsetAndEpoch(OffsetAndEpoch value) {
        return io.fjord.proto.internal.v1.OffsetAndEpoch.newBuilder().setOffset(value.offset())
                .setEpoch(value.epoch()).build();
    }

    private static OffsetAndEpoch offsetAndEpoch(io.fjord.proto.internal.v1.OffsetAndEpoch value) {
        return new OffsetAndEpoch(value.getOffset(), value.getEpoch());
    }

    private static DirectoryId directoryId(UUID id) {
        return DirectoryId.newBuilder().setMostSignificantBits(id.getMostSignificantBits())
                .setLeastSignificantBits(id.getLeastSignificantBits()).build();
    }

    private static UUID uuid(DirectoryId id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    private static QuorumError error(Message.Error error) {
        if (error == null) {
            throw new IllegalArgumentException("response without an error code (null)");
        }
        switch (error) {
            case NONE:
                return QuorumError.QUORUM_ERROR_NONE;
            case FENCED_LEADER_EPOCH:
                return QuorumError.QUORUM_ERROR_FENCED_LEADER_EPOCH;
            case NOT_LEADER:
                return QuorumError.QUORUM_ERROR_NOT_LEADER;
            case UNKNOWN_LEADER_EPOCH:
                return QuorumError.QUORUM_ERROR_UNKNOWN_LEADER_EPOCH;
            case SNAPSHOT_NOT_FOUND:
                return QuorumError.QUORUM_ERROR_SNAPSHOT_NOT_FOUND;
            default:
                throw new IllegalArgumentException("no wire code for error " + error);
        }
    }

    private static Message.Error error(QuorumError error, int wireValue) {
        switch (error) {
            case QUORUM_ERROR_NONE:
                return Message.Error.NONE;
            case QUORUM_ERROR_FENCED_LEADER_EPOCH:
                return Message.Error.FENCED_LEADER_EPOCH;
            case QUORUM_ERROR_NOT_LEADER:
                return Message.Error.NOT_LEADER;
            case QUORUM_ERROR_UNKNOWN_LEADER_EPOCH:
                return Message.Error.UNKNOWN_LEADER_EPOCH;
            case QUORUM_ERROR_SNAPSHOT_NOT_FOUND:
                return Message.Error.SNAPSHOT_NOT_FOUND;
            default:
                throw new IllegalArgumentException("unknown error code " + wireValue);
        }
    }
}
