package io.fjord.quorum.raft;

import java.util.List;
import java.util.UUID;

/**
 * The quorum protocol (KIP-595, pull-based): every message carries the sender's epoch. Pure values; the transport
 * maps them to gRPC.
 */
public sealed interface Message {
    /** Sender's current epoch (for requests, the epoch the request is about). */
    int epoch();

    /** Protocol outcomes carried in responses. */
    enum Error { NONE, FENCED_LEADER_EPOCH, NOT_LEADER, UNKNOWN_LEADER_EPOCH, SNAPSHOT_NOT_FOUND }

    /**
     * A (pre-)vote request from a candidate. For a pre-vote, {@code epoch} is the epoch the candidate would campaign
     * in; nobody's state changes. Directory ids (of the metadata log directories, from {@code meta.properties}) tie
     * a vote to a disk: a voter refuses a request naming another directory than its own (the recipient's disk was
     * replaced) or coming from a candidate whose directory is not the one in the voter set.
     */
    record VoteRequest(int epoch, int candidateId, UUID candidateDirectoryId, UUID voterDirectoryId,
                       OffsetAndEpoch lastLog, boolean preVote) implements Message {
    }

    /** {@code voterDirectoryId}: the responder's directory id; a vote from a replaced directory is not counted. */
    record VoteResponse(int epoch, int leaderId, boolean granted, boolean preVote, UUID voterDirectoryId)
            implements Message {
    }

    /** Sent by a new leader to every voter so they stop waiting for an election. */
    record BeginQuorumEpoch(int epoch, int leaderId) implements Message {
    }

    record BeginQuorumEpochResponse(int epoch, Error error) implements Message {
    }

    /** Sent by a leader that is shutting down, naming the voters it prefers as successors, best first. */
    record EndQuorumEpoch(int epoch, int leaderId, List<Integer> preferredSuccessors) implements Message {
    }

    /**
     * A follower or observer asks for entries from {@code fetchOffset}; {@code lastFetchedEpoch} is its last epoch.
     * {@code correlationId} is echoed in the response, so a follower acts only on the answer to its outstanding
     * request (a duplicated or late answer must not start a second fetch loop). With nothing to return, the leader
     * holds the request up to {@code maxWaitMs} (long poll) and answers as soon as entries arrive or the high
     * watermark moves. {@code replicaDirectoryId}: a voter's fetch counts toward the high watermark only from the
     * directory the leader knows for it.
     */
    record FetchRequest(int epoch, int replicaId, UUID replicaDirectoryId, long fetchOffset, int lastFetchedEpoch,
                        long correlationId, long maxWaitMs) implements Message {
    }

    /**
     * Entries (possibly none) and the leader's high watermark; or a diverging epoch telling the follower where its
     * log parts from the leader's; or a snapshot id telling it to fetch that snapshot first (its fetch offset is
     * below the leader's log start); or an error with the responder's view of epoch and leader.
     */
    record FetchResponse(int epoch, int leaderId, Error error, List<LogEntry> entries, long highWatermark,
                         OffsetAndEpoch divergingEpoch, OffsetAndEpoch snapshotId, long correlationId)
            implements Message {
    }

    /** Asks the leader for bytes of snapshot {@code snapshotId} from {@code position}. */
    record FetchSnapshotRequest(int epoch, int replicaId, OffsetAndEpoch snapshotId, long position,
                                long correlationId) implements Message {
    }

    /**
     * A chunk of a snapshot of {@code size} bytes, starting at {@code position}; or an error
     * ({@link Error#SNAPSHOT_NOT_FOUND} once the leader has replaced it with a newer one).
     */
    record FetchSnapshotResponse(int epoch, int leaderId, Error error, OffsetAndEpoch snapshotId, long size,
                                 long position, byte[] chunk, long correlationId) implements Message {
    }

    /** A message in flight. */
    record Envelope(int from, int to, Message body) {
    }
}
