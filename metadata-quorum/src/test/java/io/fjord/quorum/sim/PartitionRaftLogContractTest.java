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
}
