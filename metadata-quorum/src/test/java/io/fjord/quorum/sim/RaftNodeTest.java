package io.fjord.quorum.sim;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.Message;
import io.fjord.quorum.raft.Message.Envelope;
import io.fjord.quorum.raft.NotLeaderException;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.raft.QuorumState;
import io.fjord.quorum.raft.RaftConfig;
import io.fjord.quorum.raft.RaftNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scenario tests of the Raft core: messages in, messages and state out. Sections cite the Raft paper. */
class RaftNodeTest {
    private static final RaftConfig CONFIG = new RaftConfig(100, 200, 50, 10, 16);
    private static final Set<Integer> THREE = Set.of(1, 2, 3);

    /** A (pre-)vote request from {@code candidate} to {@code voter}, both with their first directories. */
    private static Message.VoteRequest voteRequest(int epoch, int candidate, int voter, OffsetAndEpoch lastLog,
                                                   boolean preVote) {
        return new Message.VoteRequest(epoch, candidate, TestVoters.directoryOf(candidate),
                TestVoters.directoryOf(voter), lastLog, preVote);
    }

    private static RaftNode node(int id, Set<Integer> voters, InMemoryRaftLog log, InMemoryQuorumStateStore store,
                                 long nowMs) {
        return new RaftNode(id, TestVoters.directoryOf(id), TestVoters.of(voters), log, store, new Random(id), CONFIG,
                nowMs);
    }

    /** A node of the three-voter quorum, elected leader of epoch 1 with node 2's pre-vote and vote. */
    private static RaftNode electedLeaderOfThree() {
        RaftNode leader = node(1, THREE, new InMemoryRaftLog(false), new InMemoryQuorumStateStore(), 0);
        leader.tick(250);
        leader.handle(new Envelope(2, 1, new Message.VoteResponse(0, -1, true, true, TestVoters.directoryOf(2))), 251);
        leader.handle(new Envelope(2, 1, new Message.VoteResponse(1, -1, true, false, TestVoters.directoryOf(2))), 252);
        return leader;
    }

    private static <T extends Message> List<T> sent(List<Envelope> out, Class<T> type) {
        return out.stream().map(Envelope::body).filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aSingleVoterElectsItselfAndCommitsOnAppend() {
        RaftNode node = node(1, Set.of(1), new InMemoryRaftLog(false), new InMemoryQuorumStateStore(), 0);
        assertThrows(NotLeaderException.class, () -> node.append(new byte[] {1}));
        node.tick(250); // past any randomized election timeout (< 2 x 100 ms)
        assertTrue(node.isLeader());
        assertEquals(1, node.epoch());
        assertEquals(1, node.highWatermark(), "the leader-change entry of its own epoch is committed");
        assertEquals(1, node.append(new byte[] {7}));
        assertEquals(2, node.highWatermark());
    }

    @Test
    void aVoterGrantsOneVotePerEpochAndRemembersItAcrossRestarts() { // §5.2
        InMemoryQuorumStateStore store = new InMemoryQuorumStateStore();
        InMemoryRaftLog log = new InMemoryRaftLog(false);
        RaftNode voter = node(1, THREE, log, store, 0);
        voter.handle(new Envelope(2, 1, voteRequest(1, 2, 1, OffsetAndEpoch.ZERO, false)), 1);
        assertTrue(sent(voter.drainOutbound(), Message.VoteResponse.class).get(0).granted());
        assertEquals(new QuorumState(1, 2, QuorumState.NONE), store.read(), "the vote is durable before the answer");
        voter.handle(new Envelope(3, 1, voteRequest(1, 3, 1, OffsetAndEpoch.ZERO, false)), 2);
        assertFalse(sent(voter.drainOutbound(), Message.VoteResponse.class).get(0).granted());

        RaftNode restarted = node(1, THREE, log, store, 3);
        restarted.handle(new Envelope(3, 1, voteRequest(1, 3, 1, OffsetAndEpoch.ZERO, false)), 4);
        assertFalse(sent(restarted.drainOutbound(), Message.VoteResponse.class).get(0).granted(),
                "a restart must not free the vote");
    }

    @Test
    void aVoterRefusesACandidateWithAStalerLog() { // §5.4.1
        InMemoryRaftLog log = new InMemoryRaftLog(false);
        log.append(List.of(new LogEntry(0, 2, true, new byte[0]), new LogEntry(1, 2, false, new byte[] {1})));
        RaftNode voter = node(1, THREE, log, new InMemoryQuorumStateStore(), 0);
        voter.handle(new Envelope(2, 1, voteRequest(3, 2, 1, new OffsetAndEpoch(5, 1), false)), 1);
        assertFalse(sent(voter.drainOutbound(), Message.VoteResponse.class).get(0).granted(),
                "a longer log in an older epoch is less up to date");
        voter.handle(new Envelope(3, 1, voteRequest(3, 3, 1, new OffsetAndEpoch(2, 2), false)), 2);
        assertTrue(sent(voter.drainOutbound(), Message.VoteResponse.class).get(0).granted());
    }

    @Test
    void preVoteChangesNoEpochAndIsRefusedWhileTheLeaderIsAlive() {
        InMemoryQuorumStateStore store = new InMemoryQuorumStateStore();
        RaftNode follower = node(1, THREE, new InMemoryRaftLog(false), store, 0);
        follower.handle(new Envelope(2, 1, new Message.BeginQuorumEpoch(4, 2)), 0);
        follower.drainOutbound();
        follower.handle(new Envelope(3, 1, voteRequest(5, 3, 1, OffsetAndEpoch.ZERO, true)), 10);
        Message.VoteResponse answer = sent(follower.drainOutbound(), Message.VoteResponse.class).get(0);
        assertFalse(answer.granted(), "the leader was heard from within the fetch timeout");
        assertEquals(4, follower.epoch(), "a pre-vote changes nobody's epoch");
        follower.handle(new Envelope(3, 1, voteRequest(5, 3, 1, OffsetAndEpoch.ZERO, true)), 500);
        assertTrue(sent(follower.drainOutbound(), Message.VoteResponse.class).get(0).granted(),
                "after the fetch timeout the leader is presumed gone");
        assertEquals(4, follower.epoch());
    }

    @Test
    void aFollowerTruncatesWhereItsLogDivergesByEpoch() {
        InMemoryRaftLog log = new InMemoryRaftLog(false);
        log.append(List.of(new LogEntry(0, 1, true, new byte[0]), new LogEntry(1, 1, false, new byte[] {1}),
                new LogEntry(2, 2, true, new byte[0]), new LogEntry(3, 2, false, new byte[] {9})));
        RaftNode follower = node(1, THREE, log, new InMemoryQuorumStateStore(), 0);
        follower.handle(new Envelope(3, 1, new Message.BeginQuorumEpoch(3, 3)), 0);
        Message.FetchRequest fetch = sent(follower.drainOutbound(), Message.FetchRequest.class).get(0);
        assertEquals(4, fetch.fetchOffset());
        assertEquals(2, fetch.lastFetchedEpoch());
        // the leader never saw epoch 2: its epoch 1 ends at offset 2
        follower.handle(new Envelope(3, 1, new Message.FetchResponse(3, 3, Message.Error.NONE, List.of(), 0,
                new OffsetAndEpoch(2, 1), null, fetch.correlationId())), 1);
        assertEquals(2, log.endOffset(), "the entries of the epoch the leader does not have are gone");
        Message.FetchRequest next = sent(follower.drainOutbound(), Message.FetchRequest.class).get(0);
        assertEquals(2, next.fetchOffset());
        assertEquals(1, next.lastFetchedEpoch());
    }

    @Test
    void aLeaderCommitsOnlyOnceAnEntryOfItsOwnEpochIsOnAMajority() { // §5.4.2
        InMemoryRaftLog log = new InMemoryRaftLog(false);
        log.append(List.of(new LogEntry(0, 1, false, new byte[] {1})));
        InMemoryQuorumStateStore store = new InMemoryQuorumStateStore();
        store.write(new QuorumState(1, 1, QuorumState.NONE));
        RaftNode leader = node(1, THREE, log, store, 0);
        leader.tick(250);
        leader.handle(new Envelope(2, 1, new Message.VoteResponse(1, -1, true, true, TestVoters.directoryOf(2))), 251);
        leader.handle(new Envelope(2, 1, new Message.VoteResponse(2, -1, true, false, TestVoters.directoryOf(2))), 252);
        assertTrue(leader.isLeader());
        assertEquals(2, leader.epoch());
        leader.drainOutbound();
        // follower 2 has only the old entry: a majority holds offset 0, but it is from epoch 1
        leader.handle(new Envelope(2, 1, new Message.FetchRequest(2, 2, TestVoters.directoryOf(2), 1, 1, 0, 0)), 260);
        assertEquals(0, leader.highWatermark(), "an old-epoch entry is not committed by counting replicas");
        assertEquals(java.util.Map.of(1, 0L, 2, 1L), leader.replicaLag(), "follower 2 fetched at 1 of 2");
        leader.handle(new Envelope(2, 1, new Message.FetchRequest(2, 2, TestVoters.directoryOf(2), 2, 2, 1, 0)), 270);
        assertEquals(2, leader.highWatermark(), "once the epoch's own entry is on a majority, both commit");
        assertEquals(java.util.Map.of(1, 0L, 2, 0L), leader.replicaLag());
    }

    @Test
    void aFetchFromAStaleEpochIsFenced() {
        RaftNode leader = node(1, Set.of(1), new InMemoryRaftLog(false), new InMemoryQuorumStateStore(), 0);
        leader.tick(250);
        leader.tick(300);
        leader.drainOutbound();
        leader.handle(new Envelope(9, 1, new Message.FetchRequest(0, 9, TestVoters.directoryOf(9), 0, 0, 5, 0)), 301);
        Message.FetchResponse answer = sent(leader.drainOutbound(), Message.FetchResponse.class).get(0);
        assertEquals(Message.Error.FENCED_LEADER_EPOCH, answer.error());
        assertEquals(1, answer.epoch());
        assertEquals(1, answer.leaderId(), "the answer says who leads now");
        assertEquals(5, answer.correlationId());
    }

    @Test
    void aDivergingAnswerNeverRaisesTheHighWatermark() { // Raft Fig. 2, AppendEntries step 5
        InMemoryRaftLog log = new InMemoryRaftLog(false);
        int[] epochs = {1, 1, 2, 2, 4, 4};
        for (int i = 0; i < epochs.length; i++) {
            log.append(List.of(new LogEntry(i, epochs[i], false, new byte[] {(byte) i})));
        }
        RaftNode follower = node(3, Set.of(1, 2, 3, 4, 5), log, new InMemoryQuorumStateStore(), 0);
        follower.handle(new Envelope(2, 3, new Message.BeginQuorumEpoch(5, 2)), 0);
        Message.FetchRequest fetch = sent(follower.drainOutbound(), Message.FetchRequest.class).get(0);
        // leader 2 never had epoch 4; its epoch 3 ends at 7, and it has committed up to 8
        follower.handle(new Envelope(2, 3, new Message.FetchResponse(5, 2, Message.Error.NONE, List.of(), 8,
                new OffsetAndEpoch(7, 3), null, fetch.correlationId())), 1);
        assertEquals(4, log.endOffset(), "truncated to where its own later epoch began");
        assertEquals(0, follower.highWatermark(), "entries 2-3 (epoch 2) may differ from the leader's: not committed");
        assertEquals(List.of(), follower.readCommitted(0, 10));
    }

    @Test
    void anAnswerToAFetchFromAnEarlierFollowerSpellIsIgnored() {
        InMemoryRaftLog log = new InMemoryRaftLog(false);
        log.append(List.of(new LogEntry(0, 1, false, new byte[] {0}), new LogEntry(1, 1, false, new byte[] {1})));
        RaftNode follower = node(1, THREE, log, new InMemoryQuorumStateStore(), 0);
        follower.handle(new Envelope(2, 1, new Message.BeginQuorumEpoch(2, 2)), 0);
        Message.FetchRequest first = sent(follower.drainOutbound(), Message.FetchRequest.class).get(0);
        follower.tick(1_000); // fetch timeout: it gives up on the leader
        follower.handle(new Envelope(2, 1, new Message.BeginQuorumEpoch(2, 2)), 1_001); // called back in
        Message.FetchRequest second = sent(follower.drainOutbound(), Message.FetchRequest.class).get(0);
        assertTrue(first.correlationId() != second.correlationId(), "correlation ids are never reused");
        follower.handle(new Envelope(2, 1, new Message.FetchResponse(2, 2, Message.Error.NONE, List.of(), 0,
                new OffsetAndEpoch(0, 0), null, first.correlationId())), 1_002);
        assertEquals(2, log.endOffset(), "a late answer to the abandoned fetch must not truncate anything");
    }

    @Test
    void aLeaderStepsDownForANewerEpochAndWhenItLosesItsMajority() {
        RaftNode leader = electedLeaderOfThree();
        assertTrue(leader.isLeader());
        leader.handle(new Envelope(3, 1, new Message.BeginQuorumEpoch(5, 3)), 260);
        assertEquals("Follower", leader.stateName());
        assertEquals(5, leader.epoch());
        assertEquals(3, leader.leaderId());

        RaftNode isolated = electedLeaderOfThree();
        isolated.tick(252 + 250);
        assertTrue(isolated.isLeader(), "within 1.5 x fetch timeout of its election");
        isolated.tick(252 + 301);
        assertEquals("Resigned", isolated.stateName(), "no voter fetched for 1.5 x fetch timeout: check-quorum");
    }

    @Test
    void aStateFileOlderThanTheLogNeverAllowsASecondVote() {
        InMemoryRaftLog log = new InMemoryRaftLog(false);
        log.append(List.of(new LogEntry(0, 3, true, new byte[0])));
        InMemoryQuorumStateStore lost = new InMemoryQuorumStateStore(); // epoch 0: the file was lost
        RaftNode voter = node(1, THREE, log, lost, 0);
        assertEquals(3, voter.epoch());
        voter.handle(new Envelope(2, 1, voteRequest(3, 2, 1, new OffsetAndEpoch(9, 3), false)), 1);
        assertFalse(sent(voter.drainOutbound(), Message.VoteResponse.class).get(0).granted(),
                "it may have voted in epoch 3 already");
        voter.handle(new Envelope(2, 1, voteRequest(4, 2, 1, new OffsetAndEpoch(9, 3), false)), 2);
        assertTrue(sent(voter.drainOutbound(), Message.VoteResponse.class).get(0).granted());
    }

    @Test
    void startingFlushesWhateverTheLogRecovered() {
        InMemoryRaftLog log = new InMemoryRaftLog(false);
        log.append(List.of(new LogEntry(0, 1, false, new byte[] {1}))); // recovered from the page cache, unflushed
        assertEquals(0, log.durableEndOffset());
        node(1, THREE, log, new InMemoryQuorumStateStore(), 0);
        assertEquals(1, log.durableEndOffset(), "durable before any fetch can acknowledge it");
    }

    @Test
    void aCaughtUpFetchWaitsAtTheLeaderUntilDataArrivesOrItsWaitEnds() {
        RaftNode leader = electedLeaderOfThree();
        leader.drainOutbound();
        // follower 2 is caught up (the leader-change entry is offset 0): nothing to send yet
        leader.handle(new Envelope(2, 1, new Message.FetchRequest(1, 2, TestVoters.directoryOf(2), 1, 1, 7, 100)), 260);
        assertEquals(1, leader.highWatermark(), "the fetch acknowledged the epoch's first entry");
        assertEquals(List.of(), sent(leader.drainOutbound(), Message.FetchResponse.class), "held: long poll");
        leader.append(new byte[] {42});
        Message.FetchResponse answered = sent(leader.drainOutbound(), Message.FetchResponse.class).get(0);
        assertEquals(7, answered.correlationId());
        assertEquals(1, answered.entries().size(), "answered as soon as data arrived");
        // a held fetch with no news is answered, empty, when its wait ends
        leader.handle(new Envelope(3, 1, new Message.FetchRequest(1, 3, TestVoters.directoryOf(3), 2, 1, 8, 100)), 270);
        leader.tick(300);
        assertEquals(List.of(), sent(leader.drainOutbound(), Message.FetchResponse.class));
        leader.tick(371);
        Message.FetchResponse expired = sent(leader.drainOutbound(), Message.FetchResponse.class).get(0);
        assertEquals(8, expired.correlationId());
        assertEquals(List.of(), expired.entries());
    }

    @Test
    void aVoterWhoseDiskWasReplacedNeitherGrantsNorCountsVotes() {
        // voter 1 with a fresh disk: its id is in the voter set, but with its old directory
        java.util.UUID newDirectory = new java.util.UUID(7, 7);
        RaftNode replaced = new RaftNode(1, newDirectory, TestVoters.of(THREE), new InMemoryRaftLog(false),
                new InMemoryQuorumStateStore(), new Random(1), CONFIG, 0);
        assertFalse(replaced.isVoter(), "it takes part as an observer");
        replaced.handle(new Envelope(2, 1, voteRequest(1, 2, 1, OffsetAndEpoch.ZERO, false)), 1);
        assertEquals(List.of(), replaced.drainOutbound(), "an observer does not vote");
        // formatted with a voter set that names its new directory, it believes it votes; the others know better
        java.util.Map<Integer, java.util.UUID> itsVoters = new java.util.TreeMap<>(TestVoters.of(THREE));
        itsVoters.put(1, newDirectory);
        RaftNode misconfigured = new RaftNode(1, newDirectory, itsVoters, new InMemoryRaftLog(false),
                new InMemoryQuorumStateStore(), new Random(1), CONFIG, 0);
        misconfigured.handle(new Envelope(2, 1, voteRequest(1, 2, 1, OffsetAndEpoch.ZERO, false)), 1);
        Message.VoteResponse answer = sent(misconfigured.drainOutbound(), Message.VoteResponse.class).get(0);
        assertFalse(answer.granted(), "the request names the directory the voter set knows, not this one");
        assertEquals(newDirectory, answer.voterDirectoryId());

        RaftNode candidate = node(2, THREE, new InMemoryRaftLog(false), new InMemoryQuorumStateStore(), 0);
        candidate.tick(250);
        candidate.handle(new Envelope(1, 2, new Message.VoteResponse(0, -1, true, true, newDirectory)), 251);
        assertEquals("Prospective", candidate.stateName(), "a pre-vote from the replaced disk does not count");
        candidate.handle(new Envelope(3, 2, new Message.VoteResponse(0, -1, true, true, TestVoters.directoryOf(3))),
                252);
        assertEquals("Candidate", candidate.stateName());
        candidate.handle(new Envelope(1, 2, new Message.VoteResponse(1, -1, true, false, newDirectory)), 253);
        assertFalse(candidate.isLeader(), "nor does its vote");
        candidate.handle(new Envelope(3, 2, new Message.VoteResponse(1, -1, true, false, TestVoters.directoryOf(3))),
                254);
        assertTrue(candidate.isLeader());
        candidate.drainOutbound();
        candidate.handle(new Envelope(1, 2, new Message.FetchRequest(1, 1, newDirectory, 1, 1, 1, 0)), 260);
        assertEquals(0, candidate.highWatermark(), "its fetches do not count toward commits either");
        assertFalse(candidate.replicaLag().containsKey(1));
    }

    @Test
    void aFollowerBelowTheLogStartCatchesUpThroughTheSnapshotInChunks() {
        RaftNode leader = node(1, Set.of(1), new InMemoryRaftLog(false), new InMemoryQuorumStateStore(), 0);
        leader.tick(250);
        for (int i = 0; i < 5; i++) {
            leader.append(new byte[] {(byte) i});
        }
        assertEquals(6, leader.highWatermark());
        byte[] image = new byte[40]; // 40 bytes in chunks of 16 (CONFIG)
        new Random(3).nextBytes(image);
        OffsetAndEpoch first = leader.createSnapshot(3, new byte[] {1});
        OffsetAndEpoch second = leader.createSnapshot(6, image);
        assertEquals(new OffsetAndEpoch(6, 1), second);
        assertEquals(first.offset(), leader.log().startOffset(), "the log keeps one snapshot interval");
        assertThrows(IllegalArgumentException.class, () -> leader.createSnapshot(7, image), "above the HW");
        leader.drainOutbound();

        // an observer with an empty log
        InMemoryRaftLog observerLog = new InMemoryRaftLog(false);
        RaftNode observer = node(2, Set.of(1), observerLog, new InMemoryQuorumStateStore(), 0);
        observer.handle(new Envelope(1, 2, new Message.BeginQuorumEpoch(1, 1)), 300);
        long now = 301;
        for (int round = 0; round < 20 && observer.highWatermark() < 6; round++) {
            for (Envelope request : observer.drainOutbound()) {
                leader.handle(request, now++);
            }
            for (Envelope response : leader.drainOutbound()) {
                observer.handle(response, now++);
            }
        }
        assertEquals(6, observerLog.startOffset(), "installed: the log starts after the snapshot");
        assertEquals(1, observerLog.lastEpoch(), "and knows the snapshot's epoch");
        assertEquals(6, observer.highWatermark(), "a snapshot holds only committed entries");
        assertEquals(second, observer.latestSnapshotId());
        assertTrue(java.util.Arrays.equals(image, observer.readSnapshot(second)), "every chunk arrived in order");
        leader.append(new byte[] {9});
        for (int round = 0; round < 5; round++) {
            observer.tick(now);
            for (Envelope request : observer.drainOutbound()) {
                leader.handle(request, now++);
            }
            for (Envelope response : leader.drainOutbound()) {
                observer.handle(response, now++);
            }
        }
        assertEquals(7, observer.highWatermark(), "and it goes on fetching entries after it");
    }

    @Test
    void aFollowerWhoseSnapshotWasReplacedStartsOver() {
        RaftNode leader = node(1, Set.of(1), new InMemoryRaftLog(false), new InMemoryQuorumStateStore(), 0);
        leader.tick(250);
        leader.append(new byte[] {1});
        leader.createSnapshot(2, new byte[] {1, 2});
        leader.drainOutbound();
        leader.handle(new Envelope(2, 1, new Message.FetchSnapshotRequest(1, 2, new OffsetAndEpoch(1, 1), 0, 4)), 300);
        Message.FetchSnapshotResponse answer = sent(leader.drainOutbound(), Message.FetchSnapshotResponse.class).get(0);
        assertEquals(Message.Error.SNAPSHOT_NOT_FOUND, answer.error());
        assertEquals(4, answer.correlationId());
    }

    @Test
    void aFetchAnswerStopsAtItsByteLimitButAlwaysCarriesOneEntry() {
        RaftNode leader = node(1, Set.of(1), new InMemoryRaftLog(false), new InMemoryQuorumStateStore(), 0);
        leader.tick(250);
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < 5; i++) {
            leader.append(big);
        }
        byte[] huge = new byte[9 << 20];
        leader.append(huge);
        leader.drainOutbound();
        leader.handle(new Envelope(2, 1, new Message.FetchRequest(1, 2, TestVoters.directoryOf(2), 1, 1, 5, 0)), 300);
        Message.FetchResponse answer = sent(leader.drainOutbound(), Message.FetchResponse.class).get(0);
        assertEquals(2, answer.entries().size(), "two 3 MiB entries fit 8 MiB, a third would not");
        leader.handle(new Envelope(2, 1, new Message.FetchRequest(1, 2, TestVoters.directoryOf(2), 6, 1, 6, 0)), 301);
        answer = sent(leader.drainOutbound(), Message.FetchResponse.class).get(0);
        assertEquals(1, answer.entries().size(), "an entry above the limit still goes, alone");
        assertEquals(huge.length, answer.entries().get(0).data().length);
    }

    @Test
    void theLeaderServesTheSnapshotAtItsLogStartToo() {
        RaftNode leader = node(1, Set.of(1), new InMemoryRaftLog(false), new InMemoryQuorumStateStore(), 0);
        leader.tick(250);
        leader.append(new byte[] {1});
        leader.append(new byte[] {2});
        OffsetAndEpoch older = leader.createSnapshot(2, new byte[] {1, 2, 3});
        leader.createSnapshot(3, new byte[] {4});
        assertEquals(older.offset(), leader.log().startOffset());
        leader.drainOutbound();
        leader.handle(new Envelope(2, 1, new Message.FetchSnapshotRequest(1, 2, older, 1, 9)), 300);
        Message.FetchSnapshotResponse answer = sent(leader.drainOutbound(), Message.FetchSnapshotResponse.class).get(0);
        assertEquals(Message.Error.NONE, answer.error(), "a download begun before the newer snapshot may finish");
        assertEquals(3, answer.size());
        assertTrue(java.util.Arrays.equals(new byte[] {2, 3}, answer.chunk()));
    }
}
