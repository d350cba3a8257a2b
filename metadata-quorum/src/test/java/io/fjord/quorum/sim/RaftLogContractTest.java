package io.fjord.quorum.sim;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.raft.RaftLog;
import org.junit.jupiter.api.Test;

import java.util.List;

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
}
