package io.fjord.quorum.raft;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leads {@code epoch}, which it opened with a control entry at {@code epochStartOffset}. Tracks how far each voter
 * has fetched: the high watermark is the offset a majority of voters (itself included, by its flushed log end) have
 * reached, and moves only once it passes {@code epochStartOffset}, i.e. once an entry of this epoch is committed.
 */
final class LeaderState implements EpochState {
    private final int epoch;
    private final int localId;
    private final long epochStartOffset;
    private final Set<Integer> voters;
    private final Map<Integer, Long> fetchedOffsets = new HashMap<>();
    private final Map<Integer, Long> lastFetchMs = new HashMap<>();
    private final Map<Integer, ParkedFetch> parkedFetches = new java.util.TreeMap<>();
    private long lastBeginQuorumSentMs;
    private final long startMs;

    LeaderState(int epoch, int localId, long epochStartOffset, Set<Integer> voters, long nowMs) {
        this.lastBeginQuorumSentMs = nowMs;
        this.startMs = nowMs;
        this.epoch = epoch;
        this.localId = localId;
        this.epochStartOffset = epochStartOffset;
        this.voters = voters;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public int leaderId() {
        return localId;
    }

    long epochStartOffset() {
        return epochStartOffset;
    }

    /** A replica fetched at {@code fetchOffset}: everything below it is on its disk. */
    void updateReplica(int replicaId, long fetchOffset, long nowMs) {
        fetchedOffsets.merge(replicaId, fetchOffset, Math::max);
        lastFetchMs.put(replicaId, nowMs);
    }

    /** A replica fetched a snapshot: it is in contact, though its log has not moved. */
    void touchReplica(int replicaId, long nowMs) {
        lastFetchMs.put(replicaId, nowMs);
    }

    /**
     * Voters to (re)send BeginQuorumEpoch to: those that have not fetched in this epoch yet, and those that stopped
     * fetching for {@code fetchTimeoutMs} (they may have given up on this leader and be looking for a new one).
     */
    List<Integer> votersToCallIn(long nowMs, long fetchTimeoutMs) {
        List<Integer> out = new ArrayList<>();
        for (int v : voters) {
            if (v == localId) {
                continue;
            }
            Long fetched = lastFetchMs.get(v);
            if (fetched == null || nowMs - fetched >= fetchTimeoutMs) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * Check-quorum (Raft dissertation §6.2, Kafka's KIP-996 follow-up): whether a majority of voters, itself
     * included, fetched within {@code windowMs} (counting from the start of its leadership). A leader that has lost
     * its majority steps down rather than keep serving stale reads to whoever can still reach it.
     */
    boolean hasMajorityContact(long nowMs, long windowMs) {
        int inContact = 0;
        for (int v : voters) {
            long last = v == localId ? nowMs : lastFetchMs.getOrDefault(v, startMs);
            if (nowMs - last < windowMs) {
                inContact++;
            }
        }
        return inContact >= voters.size() / 2 + 1;
    }

    /** A fetch that found nothing new, held until data arrives, the high watermark moves, or its deadline. */
    record ParkedFetch(int replicaId, Message.FetchRequest request, long deadlineMs) {
    }

    /** Holds {@code request}, replacing an earlier held fetch of the same replica (its answer is no longer awaited). */
    void park(int replicaId, Message.FetchRequest request, long deadlineMs) {
        parkedFetches.put(replicaId, new ParkedFetch(replicaId, request, deadlineMs));
    }

    /** Removes and returns every held fetch. */
    List<ParkedFetch> unparkAll() {
        List<ParkedFetch> out = new ArrayList<>(parkedFetches.values());
        parkedFetches.clear();
        return out;
    }

    /** Removes and returns the held fetches whose deadline has passed. */
    List<ParkedFetch> unparkExpired(long nowMs) {
        List<ParkedFetch> out = new ArrayList<>();
        parkedFetches.values().removeIf(parked -> {
            if (nowMs >= parked.deadlineMs()) {
                out.add(parked);
                return true;
            }
            return false;
        });
        return out;
    }

    long lastBeginQuorumSentMs() {
        return lastBeginQuorumSentMs;
    }

    void beginQuorumSent(long nowMs) {
        lastBeginQuorumSentMs = nowMs;
    }

    /** The offset a majority of voters have reached, given the leader's own flushed log end. */
    long majorityOffset(long localFlushedEndOffset) {
        List<Long> offsets = new ArrayList<>();
        for (int v : voters) {
            offsets.add(v == localId ? localFlushedEndOffset : fetchedOffsets.getOrDefault(v, 0L));
        }
        offsets.sort(Collections.reverseOrder());
        return offsets.get(voters.size() / 2);
    }

    Map<Integer, Long> fetchedOffsets() {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(fetchedOffsets)); // ordered: deterministic
    }

    @Override
    public String name() {
        return "Leader";
    }
}
