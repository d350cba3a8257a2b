package io.fjord.quorum.sim;

import io.fjord.quorum.log.FileQuorumStateStore;
import io.fjord.quorum.log.PartitionRaftLog;
import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.raft.QuorumState;
import io.fjord.quorum.raft.RaftLog;
import io.fjord.storage.StorageException;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The production metadata log on the storage engine passes the same contract, and survives restarts. */
class PartitionRaftLogContractTest extends RaftLogContractTest {
    private static final LogConfig SMALL_SEGMENTS = LogConfig.defaults().withOverrides(Map.of(
            "segment.bytes", "300", "retention.ms", "-1", "retention.bytes", "-1"));

    @TempDir
    Path tmp;
    private final List<PartitionLog> opened = new ArrayList<>();
    private int logs;

    @Override
    protected RaftLog newLog() {
        return new PartitionRaftLog(open(tmp.resolve("__cluster_metadata-" + logs++)));
    }

    private PartitionLog open(Path dir) {
        PartitionLog log = PartitionLog.open(dir, SMALL_SEGMENTS, new ManualClock(0));
        opened.add(log);
        return log;
    }

    @AfterEach
    void close() {
        opened.forEach(PartitionLog::close);
    }

    @Test
    void entriesAndEpochsSurviveARestart() {
        Path dir = tmp.resolve("__cluster_metadata-0");
        PartitionLog storage = open(dir);
        RaftLog log = new PartitionRaftLog(storage);
        for (int i = 0; i < 20; i++) {
            log.append(List.of(new LogEntry(i, 1 + i / 7, i % 7 == 0, new byte[] {(byte) i})));
        }
        log.flush();
        List<LogEntry> before = log.read(0, 100);
        assertTrue(storage.numberOfSegments() > 1, "entries span segments");
        storage.close();
        RaftLog reopened = new PartitionRaftLog(open(dir));
        assertEquals(before, reopened.read(0, 100));
        assertEquals(3, reopened.lastEpoch());
        assertEquals(new OffsetAndEpoch(14, 2), reopened.endOffsetForEpoch(2));
    }

    @Test
    void aMetadataLogWithRetentionIsRefused() {
        PartitionLog withRetention = PartitionLog.open(tmp.resolve("retained-0"), LogConfig.defaults(),
                new ManualClock(0));
        opened.add(withRetention);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PartitionRaftLog(withRetention));
        assertTrue(e.getMessage().contains("retention.ms=-1"), e.getMessage());
    }

    @Test
    void quorumStateIsDurableAndAMalformedFileIsRefused() throws Exception {
        FileQuorumStateStore store = new FileQuorumStateStore(tmp);
        assertEquals(QuorumState.INITIAL, store.read());
        store.write(new QuorumState(7, 2, 3));
        assertEquals(new QuorumState(7, 2, 3), new FileQuorumStateStore(tmp).read());
        Files.writeString(tmp.resolve(FileQuorumStateStore.FILE_NAME), "0\n1\n7 two 3\n");
        StorageException e = assertThrows(StorageException.class, () -> new FileQuorumStateStore(tmp).read());
        assertTrue(e.getMessage().contains("quorum-state"), e.getMessage());
    }

    @Test
    void snapshotsAndTheLogStartSurviveARestart() {
        Path dir = tmp.resolve("__cluster_metadata-0");
        PartitionLog storage = open(dir);
        RaftLog log = new PartitionRaftLog(storage);
        for (int i = 0; i < 20; i++) {
            log.append(List.of(new LogEntry(i, 1 + i / 7, false, new byte[] {(byte) i})));
        }
        log.flush();
        log.writeSnapshot(new OffsetAndEpoch(10, 2), new byte[] {1, 2, 3});
        log.deleteBefore(new OffsetAndEpoch(10, 2));
        log.writeSnapshot(new OffsetAndEpoch(15, 3), new byte[] {4, 5});
        List<LogEntry> kept = log.read(10, 100);
        storage.close();
        RaftLog reopened = new PartitionRaftLog(open(dir));
        assertEquals(10, reopened.startOffset());
        assertEquals(2, reopened.startEpoch());
        assertEquals(new OffsetAndEpoch(15, 3), reopened.latestSnapshotId());
        assertArrayEquals(new byte[] {4, 5}, reopened.readSnapshot(new OffsetAndEpoch(15, 3), 0, 10));
        assertArrayEquals(new byte[] {1, 2, 3}, reopened.readSnapshot(new OffsetAndEpoch(10, 2), 0, 10));
        assertEquals(kept, reopened.read(10, 100));
        assertEquals(10, kept.size());
    }

    @Test
    void anInstallCutShortByACrashIsFinishedOnOpen() throws Exception {
        Path source = tmp.resolve("__cluster_metadata-0");
        RaftLog donor = new PartitionRaftLog(open(source));
        donor.installSnapshot(new OffsetAndEpoch(50, 4), new byte[] {7});
        // a follower crashed after writing the snapshot file, before its log restarted at it
        Path dir = tmp.resolve("__cluster_metadata-1");
        PartitionLog storage = open(dir);
        RaftLog crashed = new PartitionRaftLog(storage);
        crashed.append(ENTRIES_OF_EPOCH_1);
        crashed.flush();
        storage.close();
        String name = String.format("%020d-%010d.checkpoint", 50, 4);
        Files.copy(source.resolve(name), dir.resolve(name));
        Files.writeString(dir.resolve(name + ".part"), "torn");
        RaftLog reopened = new PartitionRaftLog(open(dir));
        assertEquals(50, reopened.startOffset());
        assertEquals(50, reopened.endOffset());
        assertEquals(4, reopened.lastEpoch());
        assertTrue(Files.notExists(dir.resolve(name + ".part")), "a torn snapshot write is removed");
    }

    @Test
    void aDamagedSnapshotIsRefusedByName() throws Exception {
        Path dir = tmp.resolve("__cluster_metadata-0");
        PartitionLog storage = open(dir);
        RaftLog log = new PartitionRaftLog(storage);
        log.append(ENTRIES_OF_EPOCH_1);
        log.flush();
        log.writeSnapshot(new OffsetAndEpoch(2, 1), new byte[] {1, 2, 3, 4});
        storage.close();
        Path file = dir.resolve(String.format("%020d-%010d.checkpoint", 2, 1));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        StorageException e = assertThrows(StorageException.class, () -> new PartitionRaftLog(open(dir)));
        assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains("checksum"),
                e.getMessage());
    }

    private static final List<LogEntry> ENTRIES_OF_EPOCH_1 = List.of(new LogEntry(0, 1, false, new byte[] {0}),
            new LogEntry(1, 1, false, new byte[] {1}), new LogEntry(2, 1, false, new byte[] {2}));
}
