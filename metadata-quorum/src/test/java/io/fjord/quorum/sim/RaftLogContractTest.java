package io.fjord.quorum.sim;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.raft.RaftLog;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What every {@link RaftLog} must do, so the simulator's in-memory log and the production log on the storage
 * engine are interchangeable: each implementation runs these tests.
 */
abstract class RaftLogContractTest {
    protected abstract RaftLog newLog();

    private static final List<LogEntry> ENTRIES = List.of(
            new LogEntry(0, 1, true, new byte[0]),
            new LogEntry(1, 1, false, new byte[] {1}),
            new LogEntry(2, 2, true, new byte[0]),
            new LogEntry(3, 2, false, new byte[] {3, 3}),
            new LogEntry(4, 2, false, new byte[] {4}),
            new LogEntry(5, 4, true, new byte[0]));

    @Test
    void anEmptyLog() {
        RaftLog log = newLog();
        assertEquals(0, log.startOffset());
        assertEquals(0, log.endOffset());
        assertEquals(0, log.lastEpoch());
        assertEquals(new OffsetAndEpoch(0, 0), log.endOffsetForEpoch(3));
        assertEquals(List.of(), log.read(0, 10));
    }

    @Test
    void appendsAndReadsEntriesWithTheirEpochsAndControlFlags() {
        RaftLog log = newLog();
        log.append(ENTRIES);
        log.flush();
        assertEquals(6, log.endOffset());
        assertEquals(4, log.lastEpoch());
        assertEquals(ENTRIES, log.read(0, 100));
        assertEquals(ENTRIES.subList(2, 4), log.read(2, 2));
        assertEquals(List.of(), log.read(6, 5));
    }

    @Test
    void endOffsetForEpochGivesTheFloorEpochAndWhereItEnds() {
        RaftLog log = newLog();
        log.append(ENTRIES);
        int[][] table = {
            // requested epoch, expected end offset, expected epoch
            {0, 0, 0}, {1, 2, 1}, {2, 5, 2}, {3, 5, 2}, {4, 6, 4}, {9, 6, 4},
        };
        for (int[] row : table) {
            assertEquals(new OffsetAndEpoch(row[1], row[2]), log.endOffsetForEpoch(row[0]), "epoch " + row[0]);
        }
    }

    @Test
    void truncationIsExactAndForgetsLaterEpochs() {
        RaftLog log = newLog();
        log.append(ENTRIES);
        log.truncateTo(3);
        assertEquals(3, log.endOffset());
        assertEquals(2, log.lastEpoch());
        assertEquals(ENTRIES.subList(0, 3), log.read(0, 100));
        assertEquals(new OffsetAndEpoch(3, 2), log.endOffsetForEpoch(4));
        log.append(List.of(new LogEntry(3, 5, false, new byte[] {9})));
        assertEquals(5, log.lastEpoch());
        log.truncateTo(0);
        assertEquals(0, log.endOffset());
        assertEquals(0, log.lastEpoch());
    }

    @Test
    void appendsMustBeAtTheEnd() {
        RaftLog log = newLog();
        log.append(ENTRIES.subList(0, 2));
        assertThrows(IllegalArgumentException.class, () -> log.append(List.of(new LogEntry(5, 1, false, new byte[0]))));
        assertThrows(RuntimeException.class, () -> log.append(List.of(new LogEntry(1, 1, false, new byte[0]))));
        log.append(List.of(new LogEntry(2, 3, false, new byte[0])));
        assertThrows(IllegalArgumentException.class, () -> log.append(List.of(new LogEntry(3, 2, false, new byte[0]))),
                "epochs never go back along the log");
        assertEquals(3, log.endOffset());
    }

    private static final OffsetAndEpoch AT_3 = new OffsetAndEpoch(3, 2); // entries 0-2, the last of epoch 2

    @Test
    void aSnapshotIsStoredAndReadInChunksAndMovesTheStartOnlyWhenAsked() {
        RaftLog log = newLog();
        log.append(ENTRIES);
        log.flush();
        assertEquals(null, log.latestSnapshotId());
        byte[] image = {10, 11, 12, 13, 14};
        log.writeSnapshot(AT_3, image);
        assertEquals(AT_3, log.latestSnapshotId());
        assertEquals(0, log.startOffset(), "writing a snapshot leaves the log alone");
        assertEquals(5, log.snapshotSizeBytes(AT_3));
        assertArrayEquals(new byte[] {11, 12}, log.readSnapshot(AT_3, 1, 2));
        assertArrayEquals(new byte[] {14}, log.readSnapshot(AT_3, 4, 100));
        assertThrows(IllegalArgumentException.class, () -> log.readSnapshot(new OffsetAndEpoch(3, 1), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> log.writeSnapshot(new OffsetAndEpoch(2, 1), image),
                "older than the latest");
        assertThrows(IllegalArgumentException.class, () -> log.writeSnapshot(new OffsetAndEpoch(5, 3), image),
                "the entry at offset 4 is of epoch 2, not 3");

        log.deleteBefore(AT_3);
        assertEquals(3, log.startOffset());
        assertEquals(2, log.startEpoch());
        assertEquals(ENTRIES.subList(3, 6), log.read(3, 100));
        assertEquals(4, log.lastEpoch());
        assertEquals(new OffsetAndEpoch(5, 2), log.endOffsetForEpoch(2));
        assertEquals(new OffsetAndEpoch(5, 2), log.endOffsetForEpoch(3));
    }

    @Test
    void installingASnapshotTheLogHoldsKeepsWhatFollows() {
        RaftLog log = newLog();
        log.append(ENTRIES);
        log.installSnapshot(AT_3, new byte[] {1});
        assertEquals(3, log.startOffset());
        assertEquals(6, log.endOffset());
        assertEquals(ENTRIES.subList(3, 6), log.read(3, 100));
        assertEquals(AT_3, log.latestSnapshotId());
    }

    @Test
    void installingASnapshotBeyondOrAgainstTheLogRestartsItThere() {
        RaftLog log = newLog();
        log.append(ENTRIES.subList(0, 2));
        OffsetAndEpoch far = new OffsetAndEpoch(9, 3);
        log.installSnapshot(far, new byte[] {1, 2});
        assertEquals(9, log.startOffset());
        assertEquals(9, log.endOffset());
        assertEquals(3, log.lastEpoch(), "an empty log's last epoch is its snapshot's");
        assertEquals(new OffsetAndEpoch(9, 3), log.endOffsetForEpoch(3));
        assertEquals(new OffsetAndEpoch(9, 3), log.endOffsetForEpoch(5));
        log.append(List.of(new LogEntry(9, 5, false, new byte[] {9})));
        assertEquals(List.of(new LogEntry(9, 5, false, new byte[] {9})), log.read(9, 10));
        assertEquals(new OffsetAndEpoch(9, 3), log.endOffsetForEpoch(4));

        RaftLog diverged = newLog();
        diverged.append(ENTRIES);
        diverged.installSnapshot(new OffsetAndEpoch(4, 3), new byte[] {1}); // the log has epoch 2 at offset 3
        assertEquals(4, diverged.startOffset());
        assertEquals(4, diverged.endOffset(), "nothing of a diverging log stays");
        assertEquals(3, diverged.lastEpoch());
    }
}
