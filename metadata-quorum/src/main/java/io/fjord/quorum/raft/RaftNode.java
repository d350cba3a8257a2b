package io.fjord.quorum.raft;

import io.fjord.quorum.raft.Message.BeginQuorumEpoch;
import io.fjord.quorum.raft.Message.BeginQuorumEpochResponse;
import io.fjord.quorum.raft.Message.EndQuorumEpoch;
import io.fjord.quorum.raft.Message.Envelope;
import io.fjord.quorum.raft.Message.Error;
import io.fjord.quorum.raft.Message.FetchRequest;
import io.fjord.quorum.raft.Message.FetchResponse;
import io.fjord.quorum.raft.Message.FetchSnapshotRequest;
import io.fjord.quorum.raft.Message.FetchSnapshotResponse;
import io.fjord.quorum.raft.Message.VoteRequest;
import io.fjord.quorum.raft.Message.VoteResponse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.random.RandomGenerator;

import static io.fjord.quorum.raft.QuorumState.NONE;

/**
 * The pure Raft core of one node (KIP-595: pull-based replication, pre-vote, epochs), after etcd's raft: it has no
 * threads, clocks, sockets or files. A driver feeds it messages ({@link #handle}) and time ({@link #tick}), sends
 * what {@link #drainOutbound} returns, and calls {@link #append} on the leader. Durability goes through the two
 * ports it is given: {@link QuorumStateStore#write} (epoch and vote, durable before any vote is answered) and
 * {@link RaftLog#flush} (before a leader counts its own entries or a follower fetches past them).
 *
 * <p>The states and their transitions are in {@link EpochState}. Safety rests on: one vote per voter per epoch
 * (persisted), votes only for candidates whose log is at least as up to date, a leader that never truncates, the
 * high watermark counting only once an entry of the leader's own epoch is on a majority, and followers truncating
 * to where their log diverges from the leader's by epoch, never below the high watermark.
 *
 * <p>Not thread-safe: one driver thread owns it.
 */
public final class RaftNode {
    private static final byte[] LEADER_CHANGE = new byte[0];

    private final int localId;
    private final UUID localDirectoryId;
    private final Set<Integer> voters;
    private final SortedMap<Integer, UUID> voterDirectories;
    private final RaftLog log;
    private final QuorumStateStore store;
    private final RandomGenerator random;
    private final RaftConfig config;
    private final List<Envelope> outbound = new ArrayList<>();
    private EpochState state;
    private long highWatermark;
    private boolean discoverySent;
    private long lastDiscoveryMs;
    /** Fetch correlation ids: one counter for the node's life, from a random start, so no id is ever reused. */
    private long nextCorrelationId;

    /**
     * @param localDirectoryId  the directory id of this node's metadata log directory
     * @param voters            the voter set: each voter's id and the directory id of its metadata log. A node is a
     *                          voter only with the directory listed for it; otherwise (its disk was replaced) it
     *                          takes part as an observer, and the voters refuse its votes.
     */
    public RaftNode(int localId, UUID localDirectoryId, Map<Integer, UUID> voters, RaftLog log, QuorumStateStore store,
                    RandomGenerator random, RaftConfig config, long nowMs) {
        this.localId = localId;
        this.localDirectoryId = java.util.Objects.requireNonNull(localDirectoryId, "localDirectoryId");
        this.voterDirectories = Collections.unmodifiableSortedMap(new TreeMap<>(voters)); // ordered: deterministic
        this.voters = voterDirectories.keySet();
        this.log = log;
        this.store = store;
        this.random = random;
        this.config = config;
        OffsetAndEpoch snapshot = log.latestSnapshotId();
        // a snapshot holds only committed entries
        this.highWatermark = Math.max(log.startOffset(), snapshot == null ? 0 : snapshot.offset());
        this.nextCorrelationId = random.nextLong() & (Long.MAX_VALUE >>> 1);
        // entries recovered after a crash may sit only in the page cache: make them durable before any fetch
        // acknowledges them
        log.flush();
        QuorumState persisted = store.read();
        if (persisted.epoch() < log.lastEpoch()) {
            // the state file is older than the log (lost or restored): never vote again in an epoch already seen
            persisted = new QuorumState(log.lastEpoch(), localId, NONE);
            store.write(persisted);
        }
        if (persisted.leaderId() != NONE && persisted.leaderId() != localId) {
            state = new FollowerState(persisted.epoch(), persisted.leaderId(), persisted.votedFor(),
                    nowMs + config.fetchTimeoutMs());
        } else {
            // a leader that restarts cannot resume its epoch (its in-memory progress is gone): it waits, keeping its vote
            state = new UnattachedState(persisted.epoch(), persisted.votedFor(), nowMs + electionTimeout());
        }
    }

    public int localId() {
        return localId;
    }

    /** Whether this node votes: its id is in the voter set with this directory. */
    public boolean isVoter() {
        return localDirectoryId.equals(voterDirectories.get(localId));
    }

    /** Whether {@code id} is a voter whose directory is {@code directoryId} (not a replaced disk). */
    private boolean isVoter(int id, UUID directoryId) {
        return directoryId != null && directoryId.equals(voterDirectories.get(id));
    }

    public int epoch() {
        return state.epoch();
    }

    /** The leader this node knows for its epoch, or {@link QuorumState#NONE}. */
    public int leaderId() {
        return state instanceof ResignedState ? NONE : state.leaderId();
    }

    public boolean isLeader() {
        return state instanceof LeaderState;
    }

    public String stateName() {
        return state.name();
    }

    /**
     * On the leader: how far each replica (voter or observer) that has fetched in this epoch lags behind its log
     * end, in entries, by replica id. Empty on any other node.
     */
    public SortedMap<Integer, Long> replicaLag() {
        SortedMap<Integer, Long> lag = new TreeMap<>();
        if (state instanceof LeaderState leader) {
            long end = log.endOffset();
            leader.fetchedOffsets().forEach((id, fetched) -> lag.put(id, Math.max(0, end - fetched)));
            lag.put(localId, 0L);
        }
        return lag;
    }

    /** Entries below this offset are committed (on a majority of voters) and will never change. */
    public long highWatermark() {
        return highWatermark;
    }

    public RaftLog log() {
        return log;
    }

    /** Messages produced since the last call, in order. */
    public List<Envelope> drainOutbound() {
        List<Envelope> out = new ArrayList<>(outbound);
        outbound.clear();
        return out;
    }

    /**
     * Appends {@code data} as the leader; returns its offset. The entry is committed once {@link #highWatermark()}
     * passes it.
     *
     * @throws NotLeaderException if this node is not the leader
     */
    public long append(byte[] data) {
        return append(List.of(data));
    }

    /**
     * Appends several entries with one flush (group commit); returns the offset of the first. Committed once
     * {@link #highWatermark()} passes the last.
     *
     * @throws NotLeaderException if this node is not the leader
     */
    public long append(List<byte[]> data) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        if (!(state instanceof LeaderState leader)) {
            throw new NotLeaderException(leaderId(), state.epoch());
        }
        long first = log.endOffset();
        List<LogEntry> entries = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            entries.add(new LogEntry(first + i, leader.epoch(), false, data.get(i)));
        }
        log.append(entries);
        log.flush();
        maybeAdvanceHighWatermark(leader);
        answerParked(leader, leader.unparkAll()); // new data for every waiting fetch
        return first;
    }

    /** Committed entries from {@code fromOffset}, at most {@code maxEntries}. */
    public List<LogEntry> readCommitted(long fromOffset, int maxEntries) {
        if (fromOffset < log.startOffset() || maxEntries < 0) {
            throw new IllegalArgumentException("cannot read " + maxEntries + " entries from offset " + fromOffset
                    + ": the log starts at " + log.startOffset());
        }
        long available = highWatermark - fromOffset;
        if (available <= 0) {
            return List.of();
        }
        return log.read(fromOffset, (int) Math.min(maxEntries, available));
    }

    /** Graceful hand-over: a leader stops taking appends and asks the voters to elect a successor now. */
    public void resign(long nowMs) {
        if (state instanceof LeaderState leader) {
            List<Integer> successors = new ArrayList<>(leader.fetchedOffsets().keySet());
            successors.retainAll(voters);
            successors.sort(Comparator.comparing((Integer id) -> leader.fetchedOffsets().get(id)).reversed());
            ResignedState resigned = new ResignedState(leader.epoch(), localId, nowMs + electionTimeout(),
                    List.copyOf(successors), nowMs);
            state = resigned;
            sendEndQuorum(resigned, nowMs);
        }
    }

    private void sendEndQuorum(ResignedState resigned, long nowMs) {
        for (int voter : voters) {
            if (voter != localId) {
                send(voter, new EndQuorumEpoch(resigned.epoch(), localId, resigned.preferredSuccessors()));
            }
        }
        state = resigned.withEndQuorumSentAt(nowMs);
    }

    /** Advances timers: elections, fetches, retries. */
    public void tick(long nowMs) {
        if (state instanceof UnattachedState u) {
            if (isVoter() && nowMs >= u.electionDeadlineMs()) {
                toProspective(nowMs);
            } else if (!isVoter() && (!discoverySent || nowMs - lastDiscoveryMs >= config.requestTimeoutMs())) {
                discoverySent = true; // an observer asks a random voter who leads
                lastDiscoveryMs = nowMs;
                List<Integer> all = new ArrayList<>(voters);
                all.remove(Integer.valueOf(localId)); // a voter id on a replaced disk observes too
                if (all.isEmpty()) {
                    return;
                }
                send(all.get(random.nextInt(all.size())), new FetchRequest(u.epoch(), localId, localDirectoryId,
                        log.endOffset(), log.lastEpoch(), -1, 0));
            }
        } else if (state instanceof ProspectiveState p) {
            if (nowMs >= p.deadlineMs()) {
                toProspective(nowMs);
            }
        } else if (state instanceof CandidateState c) {
            if (nowMs >= c.deadlineMs()) {
                toProspective(nowMs);
            }
        } else if (state instanceof FollowerState f) {
            if (nowMs >= f.fetchDeadlineMs()) {
                if (isVoter()) {
                    toProspective(nowMs);
                } else {
                    toUnattached(f.epoch(), NONE, nowMs);
                }
            } else {
                maybeSendFetch(f, nowMs);
            }
        } else if (state instanceof LeaderState l) {
            answerParked(l, l.unparkExpired(nowMs));
            if (!l.hasMajorityContact(nowMs, config.fetchTimeoutMs() * 3 / 2)) {
                resign(nowMs);
            } else if (nowMs - l.lastBeginQuorumSentMs() >= config.requestTimeoutMs()) {
                sendBeginQuorum(l, nowMs);
            }
        } else if (state instanceof ResignedState r) {
            if (nowMs >= r.electionDeadlineMs()) {
                toProspective(nowMs);
            } else if (nowMs - r.lastEndQuorumSentMs() >= config.requestTimeoutMs()) {
                sendEndQuorum(r, nowMs); // until a successor's epoch reaches it
            }
        }
    }

    /** Processes one inbound message. */
    public void handle(Envelope envelope, long nowMs) {
        int from = envelope.from();
        Message body = envelope.body();
        if (body instanceof VoteRequest r) {
            onVoteRequest(from, r, nowMs);
        } else if (body instanceof VoteResponse r) {
            onVoteResponse(from, r, nowMs);
        } else if (body instanceof BeginQuorumEpoch b) {
            onBeginQuorumEpoch(from, b, nowMs);
        } else if (body instanceof BeginQuorumEpochResponse r) {
            observeEpoch(r.epoch(), NONE, nowMs); // the voter is called in again until it fetches
        } else if (body instanceof EndQuorumEpoch e) {
            onEndQuorumEpoch(e, nowMs);
        } else if (body instanceof FetchRequest f) {
            onFetchRequest(from, f, nowMs);
        } else if (body instanceof FetchResponse r) {
            onFetchResponse(from, r, nowMs);
        } else if (body instanceof FetchSnapshotRequest r) {
            onFetchSnapshotRequest(from, r, nowMs);
        } else if (body instanceof FetchSnapshotResponse r) {
            onFetchSnapshotResponse(from, r, nowMs);
        }
    }

    // ---- elections ----

    private void onVoteRequest(int from, VoteRequest r, long nowMs) {
        if (!isVoter()) {
            return;
        }
        if (!localDirectoryId.equals(r.voterDirectoryId()) || !isVoter(r.candidateId(), r.candidateDirectoryId())) {
            // one of the two disks is not the one in the voter set: a vote from or for it could be a second vote
            send(from, new VoteResponse(state.epoch(), leaderId(), false, r.preVote(), localDirectoryId));
            return;
        }
        if (r.preVote()) {
            boolean grant = r.epoch() > state.epoch() && r.lastLog().compareTo(lastLog()) >= 0 && !leaderIsAlive(nowMs);
            send(from, new VoteResponse(state.epoch(), leaderId(), grant, true, localDirectoryId));
            return;
        }
        if (r.epoch() < state.epoch()) {
            send(from, new VoteResponse(state.epoch(), leaderId(), false, false, localDirectoryId));
            return;
        }
        if (r.epoch() > state.epoch()) {
            toUnattached(r.epoch(), NONE, nowMs);
        }
        int votedFor = currentVotedFor();
        if (state instanceof FollowerState f && f.votedFor() == NONE) {
            votedFor = localId; // it follows a leader of this epoch: no new vote in it
        }
        boolean grant = (votedFor == NONE || votedFor == r.candidateId()) && r.lastLog().compareTo(lastLog()) >= 0
                && !(state instanceof FollowerState);
        if (grant) {
            if (votedFor != r.candidateId()) {
                store.write(new QuorumState(state.epoch(), r.candidateId(), NONE));
            }
            state = new UnattachedState(state.epoch(), r.candidateId(), nowMs + electionTimeout());
        }
        send(from, new VoteResponse(state.epoch(), leaderId(), grant, false, localDirectoryId));
    }

    private boolean leaderIsAlive(long nowMs) {
        return state instanceof LeaderState || state instanceof FollowerState f && nowMs < f.fetchDeadlineMs();
    }

    private void onVoteResponse(int from, VoteResponse r, long nowMs) {
        observeEpoch(r.epoch(), r.leaderId(), nowMs);
        if (!r.granted() || !isVoter(from, r.voterDirectoryId())) {
            return;
        }
        if (r.preVote() && state instanceof ProspectiveState p && r.epoch() <= p.epoch()) {
            if (p.grant(from) >= majority()) {
                toCandidate(nowMs);
            }
        } else if (!r.preVote() && state instanceof CandidateState c && r.epoch() == c.epoch()) {
            if (c.grant(from) >= majority()) {
                toLeader(nowMs);
            }
        }
    }

    private void onBeginQuorumEpoch(int from, BeginQuorumEpoch b, long nowMs) {
        if (b.epoch() < state.epoch()) {
            send(from, new BeginQuorumEpochResponse(state.epoch(), Error.FENCED_LEADER_EPOCH));
            return;
        }
        boolean alreadyFollowing = state instanceof FollowerState f && f.epoch() == b.epoch()
                && f.leaderId() == b.leaderId();
        boolean ownEpoch = b.epoch() == state.epoch() && (state instanceof LeaderState || state instanceof ResignedState);
        if (!alreadyFollowing && !ownEpoch) {
            toFollower(b.epoch(), b.leaderId(), nowMs);
        }
        send(from, new BeginQuorumEpochResponse(state.epoch(), Error.NONE));
    }

    private void onEndQuorumEpoch(EndQuorumEpoch e, long nowMs) {
        observeEpoch(e.epoch(), NONE, nowMs);
        if (state instanceof FollowerState f && f.epoch() == e.epoch() && f.leaderId() == e.leaderId() && isVoter()) {
            int rank = e.preferredSuccessors().indexOf(localId);
            long backoffMs = rank < 0 ? electionTimeout() : rank * config.electionTimeoutMs() / 4;
            store.write(new QuorumState(f.epoch(), f.votedFor(), NONE));
            state = new UnattachedState(f.epoch(), f.votedFor(), nowMs + backoffMs, e.leaderId());
        }
    }

    private void toProspective(long nowMs) {
        int abandoned = state instanceof FollowerState f ? f.leaderId()
                : state instanceof ProspectiveState previous ? previous.abandonedLeaderId()
                : state instanceof UnattachedState u ? u.abandonedLeaderId() : NONE;
        ProspectiveState p = new ProspectiveState(state.epoch(), currentVotedFor(), abandoned, localId,
                nowMs + electionTimeout());
        state = p;
        if (p.grant(localId) >= majority()) {
            toCandidate(nowMs);
            return;
        }
        for (int voter : voters) {
            if (voter != localId) {
                send(voter, new VoteRequest(p.epoch() + 1, localId, localDirectoryId, voterDirectories.get(voter),
                        lastLog(), true));
            }
        }
    }

    private void toCandidate(long nowMs) {
        int epoch = state.epoch() + 1;
        store.write(new QuorumState(epoch, localId, NONE));
        CandidateState c = new CandidateState(epoch, localId, nowMs + electionTimeout());
        state = c;
        if (c.grant(localId) >= majority()) {
            toLeader(nowMs);
            return;
        }
        for (int voter : voters) {
            if (voter != localId) {
                send(voter, new VoteRequest(epoch, localId, localDirectoryId, voterDirectories.get(voter), lastLog(),
                        false));
            }
        }
    }

    private void toLeader(long nowMs) {
        int epoch = state.epoch();
        store.write(new QuorumState(epoch, localId, localId));
        long start = log.endOffset();
        log.append(List.of(new LogEntry(start, epoch, true, LEADER_CHANGE)));
        log.flush();
        LeaderState leader = new LeaderState(epoch, localId, start, voters, nowMs);
        state = leader;
        sendBeginQuorum(leader, nowMs);
        maybeAdvanceHighWatermark(leader);
    }

    private void sendBeginQuorum(LeaderState leader, long nowMs) {
        for (int voter : leader.votersToCallIn(nowMs, config.fetchTimeoutMs())) {
            send(voter, new BeginQuorumEpoch(leader.epoch(), localId));
        }
        leader.beginQuorumSent(nowMs);
    }

    private void toFollower(int epoch, int leaderId, long nowMs) {
        int votedFor = epoch == state.epoch() ? currentVotedFor() : NONE;
        store.write(new QuorumState(epoch, votedFor, leaderId));
        FollowerState follower = new FollowerState(epoch, leaderId, votedFor, nowMs + config.fetchTimeoutMs());
        state = follower;
        maybeSendFetch(follower, nowMs);
    }

    private void toUnattached(int epoch, int votedFor, long nowMs) {
        store.write(new QuorumState(epoch, votedFor, NONE));
        state = new UnattachedState(epoch, votedFor, nowMs + electionTimeout());
    }

    /** A message showed a newer epoch, or the leader of this one: follow it before anything else. */
    private void observeEpoch(int epoch, int leaderId, long nowMs) {
        boolean knownLeader = leaderId != NONE && leaderId != localId;
        if (epoch > state.epoch()) {
            if (knownLeader) {
                toFollower(epoch, leaderId, nowMs);
            } else {
                toUnattached(epoch, NONE, nowMs);
            }
        } else if (epoch == state.epoch() && knownLeader && (state instanceof UnattachedState u
                && u.abandonedLeaderId() != leaderId
                || state instanceof ProspectiveState p && p.abandonedLeaderId() != leaderId
                || state instanceof CandidateState)) {
            toFollower(epoch, leaderId, nowMs);
        }
    }

    private int currentVotedFor() {
        if (state instanceof UnattachedState u) {
            return u.votedFor();
        } else if (state instanceof ProspectiveState p) {
            return p.votedFor();
        } else if (state instanceof FollowerState f) {
            return f.votedFor();
        }
        return localId; // candidate, leader or resigned: voted for itself in this epoch
    }

    // ---- replication ----

    private void onFetchRequest(int from, FetchRequest f, long nowMs) {
        if (!(state instanceof LeaderState leader)) {
            Error error = f.epoch() < state.epoch() ? Error.FENCED_LEADER_EPOCH : Error.NOT_LEADER;
            send(from, new FetchResponse(state.epoch(), leaderId(), error, List.of(), highWatermark, null, null,
                    f.correlationId()));
            return;
        }
        if (f.epoch() != leader.epoch()) {
            Error error = f.epoch() < leader.epoch() ? Error.FENCED_LEADER_EPOCH : Error.UNKNOWN_LEADER_EPOCH;
            send(from, new FetchResponse(leader.epoch(), localId, error, List.of(), highWatermark, null, null,
                    f.correlationId()));
            return;
        }
        if (f.fetchOffset() < log.startOffset() || f.lastFetchedEpoch() < log.startEpoch()) {
            // what it lacks (or where it diverges) is below this log's start: only the snapshot can bring it up
            send(from, new FetchResponse(leader.epoch(), localId, Error.NONE, List.of(), highWatermark, null,
                    log.latestSnapshotId(), f.correlationId()));
            return;
        }
        if (f.fetchOffset() > log.startOffset() || f.lastFetchedEpoch() > log.startEpoch()) {
            OffsetAndEpoch end = log.endOffsetForEpoch(f.lastFetchedEpoch());
            if (end.epoch() != f.lastFetchedEpoch() || end.offset() < f.fetchOffset()) {
                send(from, new FetchResponse(leader.epoch(), localId, Error.NONE, List.of(), highWatermark, end, null,
                        f.correlationId()));
                return;
            }
        }
        if (!voters.contains(from) || isVoter(from, f.replicaDirectoryId())) {
            // a voter id fetching from another directory (a replaced disk) is served but counts for nothing
            leader.updateReplica(from, f.fetchOffset(), nowMs);
        }
        if (maybeAdvanceHighWatermark(leader)) {
            answerParked(leader, leader.unparkAll()); // everyone waiting learns the new high watermark
        }
        if (f.fetchOffset() >= log.endOffset() && f.maxWaitMs() > 0) {
            leader.park(from, f, nowMs + f.maxWaitMs()); // nothing new for it: long poll
            return;
        }
        answerFetch(leader, from, f);
    }

    private void answerFetch(LeaderState leader, int to, FetchRequest f) {
        List<LogEntry> entries = readBounded(f.fetchOffset());
        send(to, new FetchResponse(leader.epoch(), localId, Error.NONE, entries, highWatermark, null, null,
                f.correlationId()));
    }

    /**
     * Up to {@code fetchMaxEntries} entries from {@code from}, stopping once {@link RaftConfig#FETCH_MAX_BYTES} are
     * reached (at least one entry), so an answer always fits a transport message.
     */
    private List<LogEntry> readBounded(long from) {
        List<LogEntry> out = new ArrayList<>();
        long bytes = 0;
        long next = from;
        while (out.size() < config.fetchMaxEntries() && bytes < RaftConfig.FETCH_MAX_BYTES) {
            List<LogEntry> chunk = log.read(next, Math.min(16, config.fetchMaxEntries() - out.size()));
            if (chunk.isEmpty()) {
                break;
            }
            for (LogEntry e : chunk) {
                if (!out.isEmpty() && bytes + e.data().length > RaftConfig.FETCH_MAX_BYTES) {
                    return out;
                }
                out.add(e);
                bytes += e.data().length;
            }
            next = chunk.get(chunk.size() - 1).offset() + 1;
        }
        return out;
    }

    private void answerParked(LeaderState leader, List<LeaderState.ParkedFetch> parked) {
        for (LeaderState.ParkedFetch p : parked) {
            answerFetch(leader, p.replicaId(), p.request());
        }
    }

    private void onFetchResponse(int from, FetchResponse r, long nowMs) {
        observeEpoch(r.epoch(), r.leaderId(), nowMs);
        if (!(state instanceof FollowerState follower) || follower.leaderId() != from || r.epoch() != follower.epoch()
                || !follower.isOutstanding(r.correlationId()) || r.error() != Error.NONE) {
            return;
        }
        follower.heardFromLeader(nowMs, config.fetchTimeoutMs());
        if (r.snapshotId() != null) {
            if (r.snapshotId().offset() > log.startOffset() && r.snapshotId().offset() > highWatermark) {
                follower.startDownload(r.snapshotId());
            } // else a confused answer: nothing to install; the next fetch asks again
        } else if (r.divergingEpoch() != null) {
            // what is left may still differ from the leader below the truncation point: the high watermark moves
            // only after a fetch the leader validated (Raft Fig. 2, AppendEntries step 5)
            truncateToDivergence(r.divergingEpoch());
        } else {
            if (!r.entries().isEmpty() && r.entries().get(0).offset() == log.endOffset()) {
                log.append(r.entries());
                log.flush();
            }
            long newHighWatermark = Math.min(r.highWatermark(), log.endOffset());
            if (newHighWatermark > highWatermark) {
                highWatermark = newHighWatermark;
            }
        }
        maybeSendFetch(follower, nowMs);
    }

    /** Kafka's truncateToEndOffset: cut the log where it stops agreeing with the leader's, by epoch. */
    private void truncateToDivergence(OffsetAndEpoch leaderEnd) {
        OffsetAndEpoch localEnd = log.endOffsetForEpoch(leaderEnd.epoch());
        long truncateTo = localEnd.epoch() == leaderEnd.epoch()
                ? Math.min(localEnd.offset(), leaderEnd.offset()) : localEnd.offset();
        if (truncateTo < highWatermark) {
            throw new IllegalStateException("node " + localId + " asked to truncate to " + truncateTo
                    + " below its high watermark " + highWatermark + ": committed entries would be lost");
        }
        if (truncateTo < log.endOffset()) {
            log.truncateTo(truncateTo);
        }
    }

    private void maybeSendFetch(FollowerState follower, long nowMs) {
        if (follower.canSendFetch(nowMs)) {
            long correlationId = nextCorrelationId++;
            follower.fetchSent(nowMs, config.requestTimeoutMs(), correlationId);
            FollowerState.SnapshotDownload download = follower.download();
            if (download != null) {
                send(follower.leaderId(), new FetchSnapshotRequest(follower.epoch(), localId, download.id(),
                        download.position(), correlationId));
            } else {
                send(follower.leaderId(), new FetchRequest(follower.epoch(), localId, localDirectoryId,
                        log.endOffset(), log.lastEpoch(), correlationId, config.fetchMaxWaitMs()));
            }
        }
    }

    // ---- snapshots ----

    private void onFetchSnapshotRequest(int from, FetchSnapshotRequest r, long nowMs) {
        Error error = Error.NONE;
        if (!(state instanceof LeaderState)) {
            error = r.epoch() < state.epoch() ? Error.FENCED_LEADER_EPOCH : Error.NOT_LEADER;
        } else if (r.epoch() != state.epoch()) {
            error = r.epoch() < state.epoch() ? Error.FENCED_LEADER_EPOCH : Error.UNKNOWN_LEADER_EPOCH;
        } else if (!log.hasSnapshot(r.snapshotId()) || r.position() < 0
                || r.position() > log.snapshotSizeBytes(r.snapshotId())) {
            error = Error.SNAPSHOT_NOT_FOUND; // replaced by a newer one: the follower starts over
        }
        if (error != Error.NONE) {
            send(from, new FetchSnapshotResponse(state.epoch(), leaderId(), error, r.snapshotId(), 0, r.position(),
                    new byte[0], r.correlationId()));
            return;
        }
        ((LeaderState) state).touchReplica(from, nowMs);
        byte[] chunk = log.readSnapshot(r.snapshotId(), r.position(), config.snapshotChunkBytes());
        send(from, new FetchSnapshotResponse(state.epoch(), localId, Error.NONE, r.snapshotId(),
                log.snapshotSizeBytes(r.snapshotId()), r.position(), chunk, r.correlationId()));
    }

    private void onFetchSnapshotResponse(int from, FetchSnapshotResponse r, long nowMs) {
        observeEpoch(r.epoch(), r.leaderId(), nowMs);
        if (!(state instanceof FollowerState follower) || follower.leaderId() != from || r.epoch() != follower.epoch()
                || !follower.isOutstanding(r.correlationId()) || follower.download() == null
                || (r.error() != Error.NONE && r.error() != Error.SNAPSHOT_NOT_FOUND)) {
            return;
        }
        FollowerState.SnapshotDownload download = follower.download();
        follower.heardFromLeader(nowMs, config.fetchTimeoutMs());
        if (r.error() == Error.SNAPSHOT_NOT_FOUND || !download.id().equals(r.snapshotId())
                || r.position() != download.position() || r.size() > Integer.MAX_VALUE - 64) {
            follower.endDownload(); // fetch again: the leader will name its current snapshot
        } else {
            download.append(r.chunk());
            if (download.position() >= r.size()) {
                installSnapshot(download.id(), download.bytes());
                follower.endDownload();
            }
        }
        maybeSendFetch(follower, nowMs);
    }

    private void installSnapshot(OffsetAndEpoch id, byte[] data) {
        log.installSnapshot(id, data);
        if (log.endOffset() < highWatermark) {
            throw new IllegalStateException("node " + localId + " installed snapshot " + id + " and its log now ends at "
                    + log.endOffset() + ", below its high watermark " + highWatermark + ": committed entries lost");
        }
        highWatermark = Math.max(highWatermark, id.offset());
    }

    /**
     * Writes the state machine's image of every entry below {@code endOffset} (committed, above the latest
     * snapshot) as a snapshot, and moves the log start up to the previous snapshot, so replicas a little behind
     * still catch up from the log. Returns the snapshot's id.
     */
    public OffsetAndEpoch createSnapshot(long endOffset, byte[] data) {
        OffsetAndEpoch latest = log.latestSnapshotId();
        long floor = Math.max(log.startOffset(), latest == null ? 0 : latest.offset());
        if (endOffset <= floor || endOffset > highWatermark) {
            throw new IllegalArgumentException("a snapshot must end at a committed offset above " + floor
                    + " and at most the high watermark " + highWatermark + ", not at " + endOffset);
        }
        OffsetAndEpoch id = new OffsetAndEpoch(endOffset, log.read(endOffset - 1, 1).get(0).epoch());
        log.writeSnapshot(id, data);
        if (latest != null) {
            log.deleteBefore(latest);
        }
        return id;
    }

    /** The newest snapshot's id, or null. */
    public OffsetAndEpoch latestSnapshotId() {
        return log.latestSnapshotId();
    }

    /** The whole of snapshot {@code id}. */
    public byte[] readSnapshot(OffsetAndEpoch id) {
        return log.readSnapshot(id, 0, Math.toIntExact(log.snapshotSizeBytes(id)));
    }

    /** Returns true if the high watermark moved. */
    private boolean maybeAdvanceHighWatermark(LeaderState leader) {
        long majority = leader.majorityOffset(log.endOffset());
        if (majority > leader.epochStartOffset() && majority > highWatermark) {
            highWatermark = majority;
            return true;
        }
        return false;
    }

    // ---- helpers ----

    private OffsetAndEpoch lastLog() {
        return new OffsetAndEpoch(log.endOffset(), log.lastEpoch());
    }

    private int majority() {
        return voters.size() / 2 + 1;
    }

    private long electionTimeout() {
        return config.electionTimeoutMs() + random.nextLong(config.electionTimeoutMs());
    }

    private void send(int to, Message body) {
        outbound.add(new Envelope(localId, to, body));
    }

    @Override
    public String toString() {
        return "[Quorum node=" + localId + " epoch=" + state.epoch() + " " + state.name() + " leader=" + leaderId()
                + " hw=" + highWatermark + " end=" + log.endOffset() + "]";
    }
}
