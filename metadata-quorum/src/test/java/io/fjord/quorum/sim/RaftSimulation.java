package io.fjord.quorum.sim;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.Message;
import io.fjord.quorum.raft.Message.Envelope;
import io.fjord.quorum.raft.RaftConfig;
import io.fjord.quorum.raft.RaftNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the production {@link RaftNode} for a cluster picked by one seed (1, 3 or 5 voters, 0-2 observers) over a
 * simulated clock, network (delay, loss, duplication, reordering, symmetric and one-way partitions) and disk
 * (unflushed entries lost on crash, torn tails), with crashes and restarts; checks the safety invariants after every
 * event; then heals everything and checks that a leader emerges and a new entry commits on every voter in time.
 * What is appended comes from a {@link SimWorkload} (random bytes by default), which is told what commits.
 */
final class RaftSimulation {
    static final long TICK_MS = 10;
    static final long CHAOS_MS = 15_000;
    static final long HEAL_BOUND_MS = 30_000;

    private final long seed;
    private final Random random;
    private final RaftConfig config = new RaftConfig(200, 400, 100, 50, 64);
    private final Set<Integer> voters = new TreeSet<>();
    private final List<Integer> allIds = new ArrayList<>();
    private final Map<Integer, InMemoryRaftLog> logs = new HashMap<>();
    private final Map<Integer, InMemoryQuorumStateStore> stores = new HashMap<>();
    private final Map<Integer, RaftNode> live = new HashMap<>();
    private final Set<Long> blockedLinks = new HashSet<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Invariants invariants;
    private final SimWorkload workload;
    private double dropRate;
    private double duplicateRate;
    private long maxDelayMs;
    private long nowMs;
    private long sequence;
    private boolean healed;
    private final Fault fault;
    private int crashes;
    private int snapshotsTaken;
    private int snapshotsInstalled;
    private final Map<Integer, java.util.UUID> directories = new HashMap<>();
    private final Set<Integer> replacedVoters = new TreeSet<>();
    private long delivered;
    private long steps;
    private final java.util.ArrayDeque<String> trace = new java.util.ArrayDeque<>();
    private static final int TRACE_EVENTS = 80;

    /** Deliberate bugs, for checking that the invariants catch them. */
    enum Fault {
        NONE,
        /** The quorum-state store loses everything on a crash: epoch and vote are not durable. */
        FORGET_VOTES_ON_CRASH,
        /** The disk ignores fsync: a crash can lose entries the node acknowledged. */
        IGNORE_FSYNC
    }

    private record Event(long atMs, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return atMs != o.atMs ? Long.compare(atMs, o.atMs) : Long.compare(sequence, o.sequence);
        }
    }

    RaftSimulation(long seed) {
        this(seed, Fault.NONE);
    }

    RaftSimulation(long seed, Fault fault) {
        this(seed, fault, SimWorkload.RANDOM_BYTES);
    }

    RaftSimulation(long seed, Fault fault, SimWorkload workload) {
        this.seed = seed;
        this.fault = fault;
        this.workload = workload;
        this.invariants = new Invariants(workload::committed);
        this.random = new Random(seed);
        int voterCount = new int[] {1, 3, 3, 5, 5}[random.nextInt(5)];
        int observerCount = random.nextInt(3);
        for (int id = 1; id <= voterCount + observerCount; id++) {
            allIds.add(id);
            if (id <= voterCount) {
                voters.add(id);
            }
        }
        dropRate = random.nextDouble() * 0.2;
        duplicateRate = random.nextDouble() * 0.1;
        // a fifth of the runs have delays beyond the fetch timeout, so late answers cross state changes
        maxDelayMs = random.nextInt(5) == 0 ? 200 + random.nextInt(800) : 1 + random.nextInt(50);
    }

    /** What happened, to show the run exercised the protocol. */
    String stats() {
        int maxEpoch = live.values().stream().mapToInt(RaftNode::epoch).max().orElse(0);
        String more = workload.stats();
        return "epochs " + maxEpoch + ", committed " + invariants.committed.size() + ", crashes " + crashes
                + ", snapshots " + snapshotsTaken + ", installed " + snapshotsInstalled
                + ", disks replaced " + replacedVoters.size() + ", messages delivered " + delivered
                + (more.isEmpty() ? "" : ", " + more);
    }

    int committedCount() {
        return invariants.committed.size();
    }

    int snapshotsTaken() {
        return snapshotsTaken;
    }

    int snapshotsInstalled() {
        return snapshotsInstalled;
    }

    int maxEpoch() {
        return live.values().stream().mapToInt(RaftNode::epoch).max().orElse(0);
    }

    String describe() {
        return voters.size() + " voters, " + (allIds.size() - voters.size()) + " observers, drop " + Math.round(dropRate * 100)
                + "%, duplicate " + Math.round(duplicateRate * 100) + "%, delay up to " + maxDelayMs + " ms";
    }

    /**
     * Runs chaos then healing; throws AssertionError on any violated invariant, or if within the bound after healing
     * no leader appends an entry that every voter and observer then sees committed.
     */
    void run() {
        try {
            runPhases();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\nlast events:\n  " + String.join("\n  ", trace), e);
        }
    }

    private void note(String event) {
        if (trace.size() == TRACE_EVENTS) {
            trace.removeFirst();
        }
        trace.addLast("t=" + nowMs + " " + event);
    }

    private void runPhases() {
        for (int id : allIds) {
            logs.put(id, new InMemoryRaftLog(fault == Fault.IGNORE_FSYNC));
            stores.put(id, new InMemoryQuorumStateStore());
            start(id);
        }
        schedule(0, this::chaosStep);
        schedule(0, this::propose);
        schedule(0, this::snapshotStep);
        runUntil(CHAOS_MS);
        heal();
        long healedAt = nowMs;
        long target = -1;
        int targetEpoch = -1;
        while (nowMs < healedAt + HEAL_BOUND_MS) {
            runUntil(nowMs + 100);
            RaftNode leader = currentLeader();
            if (leader == null) {
                continue;
            }
            if (leader.epoch() != targetEpoch) {
                // the entry is appended again whenever a newer leader shows up: one appended to a deposed leader
                // may rightly be truncated away
                targetEpoch = leader.epoch();
                target = leader.append(workload.livenessEntry(seed)) + 1;
            }
            if (allVotersCommitted(target)) {
                invariants.check(live, logs, nowMs); // the append itself may have committed (a single voter)
                workload.healed(live.values());
                return;
            }
        }
        throw new AssertionError("no progress " + HEAL_BOUND_MS + " ms after healing: " + live.values());
    }

    /** Every voter and every observer has the entry at {@code offset - 1} committed. */
    private boolean allVotersCommitted(long offset) {
        for (int id : allIds) {
            if (live.get(id).highWatermark() < offset) {
                return false;
            }
        }
        return true;
    }

    private RaftNode currentLeader() {
        RaftNode found = null;
        for (RaftNode node : live.values()) {
            if (node.isLeader() && (found == null || node.epoch() > found.epoch())) {
                found = node;
            }
        }
        return found;
    }

    private void start(int id) {
        InMemoryRaftLog log = logs.get(id);
        log.onTruncation(offset -> invariants.checkTruncation(id, offset));
        log.onInstall(() -> snapshotsInstalled++);
        RaftNode node = new RaftNode(id, directories.computeIfAbsent(id, TestVoters::directoryOf), TestVoters.of(voters),
                log, stores.get(id), new Random(random.nextLong()), config, nowMs);
        live.put(id, node);
        invariants.restarted(id);
        scheduleTick(node);
    }

    private void scheduleTick(RaftNode node) {
        schedule(nowMs + TICK_MS, () -> {
            if (live.get(node.localId()) == node) {
                node.tick(nowMs);
                afterStep(node);
                scheduleTick(node);
            }
        });
    }

    private void afterStep(RaftNode node) {
        for (Envelope envelope : node.drainOutbound()) {
            if (envelope.body() instanceof Message.VoteResponse r && r.granted() && !r.preVote()) {
                invariants.voteGranted(envelope.from(), r.epoch(), envelope.to());
            }
            send(envelope);
        }
        note("after: " + node);
        invariants.check(live, logs, nowMs);
        if (++steps % 20 == 0) {
            invariants.checkCommittedOnDurableMajority(voters, logs, replacedVoters.size());
        }
    }

    private void send(Envelope envelope) {
        if (blockedLinks.contains(link(envelope.from(), envelope.to())) || random.nextDouble() < dropRate) {
            return;
        }
        int copies = random.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            schedule(nowMs + 1 + (long) (random.nextDouble() * maxDelayMs), () -> {
                RaftNode target = live.get(envelope.to());
                if (target != null && !blockedLinks.contains(link(envelope.from(), envelope.to()))) {
                    delivered++;
                    note(envelope.from() + "->" + envelope.to() + " " + envelope.body());
                    target.handle(envelope, nowMs);
                    afterStep(target);
                }
            });
        }
    }

    private static long link(int from, int to) {
        return ((long) from << 32) | to;
    }

    /**
     * Appends what the workload proposes at a random node that believes it leads: deposed leaders too, so histories
     * diverge deeply.
     */
    private void propose() {
        List<RaftNode> leaders = live.values().stream().filter(RaftNode::isLeader)
                .sorted(java.util.Comparator.comparingInt(RaftNode::localId)).toList();
        RaftNode leader = leaders.isEmpty() ? null : leaders.get(random.nextInt(leaders.size()));
        if (leader != null && !healed) {
            byte[] data = workload.propose(leader, logs.get(leader.localId()), random, nowMs);
            if (data != null) {
                leader.append(data);
                afterStep(leader);
            }
        }
        if (!healed) {
            schedule(nowMs + 20 + random.nextInt(200), this::propose);
        }
    }

    /** Every so often: crash or restart a node, cut or heal links, or make a leader resign. */
    private void chaosStep() {
        if (healed) {
            return;
        }
        int dice = random.nextInt(100);
        int id = allIds.get(random.nextInt(allIds.size()));
        if (dice < 20 && live.containsKey(id)) {
            live.remove(id);
            logs.get(id).crash(random);
            crashes++;
            note("crash node " + id + " (log now ends at " + logs.get(id).endOffset() + ")");
            if (fault == Fault.FORGET_VOTES_ON_CRASH) {
                stores.get(id).loseEverything();
            }
        } else if (dice < 45 && !live.containsKey(id)) {
            start(id);
            note("restart " + live.get(id));
        } else if (dice < 60) {
            int other = allIds.get(random.nextInt(allIds.size()));
            blockedLinks.add(link(id, other));
            if (random.nextBoolean()) {
                blockedLinks.add(link(other, id)); // symmetric; otherwise one-way
            }
        } else if (dice < 80) {
            blockedLinks.clear();
        } else if (dice < 85) {
            RaftNode node = live.get(id);
            if (node != null && node.isLeader()) {
                node.resign(nowMs);
                afterStep(node);
            }
        } else if (dice < 95) {
            takeSnapshot(live.get(id));
        } else if (dice < 97 && !live.containsKey(id) && voters.size() >= 3 && voters.contains(id)
                && replacedVoters.isEmpty()) {
            replaceDisk(id);
        }
        schedule(nowMs + 50 + random.nextInt(1000), this::chaosStep);
    }

    /** Every so often a random node's state machine snapshots (often enough that lagging replicas need them). */
    private void snapshotStep() {
        if (!healed) {
            takeSnapshot(live.get(allIds.get(random.nextInt(allIds.size()))));
            schedule(nowMs + 50 + random.nextInt(400), this::snapshotStep);
        }
    }

    /** The node's state machine snapshots everything it knows is committed. */
    private void takeSnapshot(RaftNode node) {
        if (node == null) {
            return;
        }
        io.fjord.quorum.raft.OffsetAndEpoch latest = node.latestSnapshotId();
        long floor = Math.max(node.log().startOffset(), latest == null ? 0 : latest.offset());
        if (node.highWatermark() > floor) {
            io.fjord.quorum.raft.OffsetAndEpoch id = node.createSnapshot(node.highWatermark(),
                    SimSnapshots.encode(SimSnapshots.committedView(node)));
            snapshotsTaken++;
            note("snapshot " + id + " on " + node);
            afterStep(node);
        }
    }

    /**
     * A crashed voter's disk is replaced and formatted afresh: empty log and quorum state, a new directory id. It must
     * not vote as the voter it was (it may have voted in the current epoch before), so it takes part as an observer.
     */
    private void replaceDisk(int id) {
        replacedVoters.add(id);
        logs.put(id, new InMemoryRaftLog(fault == Fault.IGNORE_FSYNC));
        stores.put(id, new InMemoryQuorumStateStore());
        directories.put(id, new java.util.UUID(1, id));
        invariants.diskReplaced(id);
        note("disk of voter " + id + " replaced");
    }

    private void heal() {
        healed = true;
        blockedLinks.clear();
        dropRate = 0;
        duplicateRate = 0;
        maxDelayMs = Math.min(maxDelayMs, 50); // round trips well inside the timeouts again
        for (int id : allIds) {
            if (!live.containsKey(id)) {
                start(id);
            }
        }
    }

    private void runUntil(long untilMs) {
        while (!events.isEmpty() && events.peek().atMs() <= untilMs) {
            Event event = events.poll();
            nowMs = event.atMs();
            event.action().run();
        }
        nowMs = untilMs;
    }

    private void schedule(long atMs, Runnable action) {
        events.add(new Event(atMs, sequence++, action));
    }

    /** The safety properties, checked after every event. */
    private static final class Invariants {
        private final Map<Integer, Integer> leaderOfEpoch = new HashMap<>();
        private final Map<Long, Integer> voteInEpoch = new HashMap<>();
        private final List<LogEntry> committed = new ArrayList<>();
        private final Map<Integer, Long> verifiedUpTo = new HashMap<>();
        private final Map<Integer, Long> lastHighWatermark = new HashMap<>();
        private final java.util.IdentityHashMap<byte[], Boolean> checkedSnapshots = new java.util.IdentityHashMap<>();
        private int snapshotsChecked;
        private final java.util.function.Consumer<LogEntry> onCommit;

        Invariants(java.util.function.Consumer<LogEntry> onCommit) {
            this.onCommit = onCommit;
        }

        /** The next offset is committed: the workload checks it too. */
        private void commit(LogEntry entry) {
            committed.add(entry);
            onCommit.accept(entry);
        }

        void restarted(int id) {
            lastHighWatermark.remove(id); // the high watermark is relearned after a restart
        }

        void diskReplaced(int id) {
            verifiedUpTo.remove(id); // a new, empty disk
        }

        /** Every snapshot a node keeps holds exactly the committed entries below its offset. */
        private void checkSnapshots(int id, InMemoryRaftLog log) {
            for (InMemoryRaftLog.Snapshot snapshot : log.snapshots()) {
                if (checkedSnapshots.put(snapshot.data(), Boolean.TRUE) != null) {
                    continue;
                }
                snapshotsChecked++;
                List<LogEntry> entries = SimSnapshots.decode(snapshot.data());
                if (entries.size() != snapshot.id().offset()) {
                    throw new AssertionError("snapshot " + snapshot.id() + " on node " + id + " holds "
                            + entries.size() + " entries");
                }
                for (int offset = 0; offset < entries.size(); offset++) {
                    if (offset < committed.size()) {
                        if (!committed.get(offset).equals(entries.get(offset))) {
                            throw new AssertionError("snapshot " + snapshot.id() + " on node " + id + " holds "
                                    + entries.get(offset) + " at committed offset " + offset + " where "
                                    + committed.get(offset) + " was committed");
                        }
                    } else {
                        commit(entries.get(offset));
                    }
                }
                verifiedUpTo.merge(id, snapshot.id().offset(), Math::max);
            }
        }

        void voteGranted(int voter, int epoch, int candidate) {
            Integer previous = voteInEpoch.putIfAbsent(((long) voter << 32) | epoch, candidate);
            if (previous != null && previous != candidate) {
                throw new AssertionError("voter " + voter + " granted votes to " + previous + " and " + candidate
                        + " in epoch " + epoch);
            }
        }

        /**
         * Leader completeness (Raft §5.4): a new leader of epoch E holds every entry committed in epochs before E.
         * (Entries committed later, by leaders of newer epochs, it need not have: a deposed leader that has not
         * heard of them yet is harmless as long as it cannot commit, which the high-watermark check covers.)
         */
        private void checkLeaderCompleteness(RaftNode leader, InMemoryRaftLog log) {
            for (int offset = (int) log.startOffset(); offset < committed.size()
                    && committed.get(offset).epoch() < leader.epoch(); offset++) {
                if (offset >= log.endOffset() || !committed.get(offset).equals(log.entry(offset))) {
                    throw new AssertionError("new leader " + leader.localId() + " of epoch " + leader.epoch()
                            + " lacks committed entry " + committed.get(offset) + " (its log ends at "
                            + log.endOffset() + ")");
                }
            }
        }

        /**
         * Every committed entry is on the durable (flushed) logs, or in the (checked) snapshots, of a majority of
         * voters, whatever the high watermarks say: this is what survives any minority of crashes. A replaced disk
         * is one replica lost, so one holder fewer is required per replaced voter.
         */
        void checkCommittedOnDurableMajority(Set<Integer> voters, Map<Integer, InMemoryRaftLog> logs, int replaced) {
            for (int offset = 0; offset < committed.size(); offset++) {
                int holders = 0;
                for (int v : voters) {
                    InMemoryRaftLog log = logs.get(v);
                    if (offset < log.startOffset() || offset < log.durableEndOffset()
                            && committed.get(offset).equals(log.entry(offset))) {
                        holders++;
                    }
                }
                if (holders < voters.size() / 2 + 1 - replaced) {
                    throw new AssertionError("committed entry " + committed.get(offset) + " is durable on only "
                            + holders + " of " + voters.size() + " voters");
                }
            }
        }

        void checkTruncation(int id, long toOffset) {
            long verified = verifiedUpTo.getOrDefault(id, 0L);
            if (toOffset < verified) {
                throw new AssertionError("node " + id + " truncated its log to " + toOffset
                        + " below committed entries it held up to " + verified);
            }
        }

        void check(Map<Integer, RaftNode> live, Map<Integer, InMemoryRaftLog> logs, long nowMs) {
            for (RaftNode node : live.values()) {
                int id = node.localId();
                if (node.isLeader()) {
                    Integer other = leaderOfEpoch.putIfAbsent(node.epoch(), id);
                    if (other != null && other != id) {
                        throw new AssertionError("two leaders in epoch " + node.epoch() + ": " + other + " and " + id);
                    }
                    if (other == null) {
                        checkLeaderCompleteness(node, logs.get(id));
                    }
                }
                long hw = node.highWatermark();
                Long last = lastHighWatermark.put(id, hw);
                if (last != null && hw < last) {
                    throw new AssertionError("node " + id + " high watermark went back from " + last + " to " + hw);
                }
                InMemoryRaftLog log = logs.get(id);
                checkSnapshots(id, log);
                long from = Math.max(log.startOffset(), verifiedUpTo.getOrDefault(id, 0L));
                for (long offset = from; offset < hw; offset++) {
                    LogEntry entry = log.entry(offset);
                    if (offset < committed.size()) {
                        if (!committed.get((int) offset).equals(entry)) {
                            throw new AssertionError("node " + id + " holds " + entry + " at committed offset "
                                    + offset + " where " + committed.get((int) offset) + " was committed");
                        }
                    } else {
                        commit(entry);
                    }
                }
                verifiedUpTo.put(id, Math.max(from, hw));
            }
        }
    }
}
