package io.fjord.storage.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexTest {
    @TempDir
    Path tmp;

    @Test
    void offsetIndexLookupFindsTheLargestEntryAtOrBelow() {
        OffsetIndex index = new OffsetIndex(tmp.resolve("0100.index"), 100, 1024);
        index.append(110, 500);
        index.append(120, 1000);
        index.append(135, 1800);
        long[][] table = {
            // target offset, expected entry offset, expected position
            {100, 100, 0}, {109, 100, 0}, {110, 110, 500}, {119, 110, 500}, {120, 120, 1000}, {200, 135, 1800},
        };
        for (long[] row : table) {
            assertEquals(new OffsetPosition(row[1], (int) row[2]), index.lookup(row[0]), "lookup " + row[0]);
        }
        index.truncateTo(120);
        assertEquals(new OffsetPosition(110, 500), index.lastEntry());
        assertThrows(IllegalStateException.class, () -> index.append(105, 2000), "entries must increase");
    }

    @Test
    void offsetIndexTrimsAndReopensWithItsEntries() {
        Path file = tmp.resolve("0.index");
        OffsetIndex index = new OffsetIndex(file, 0, 8 * 3);
        index.append(1, 10);
        index.append(2, 20);
        index.append(3, 30);
        assertTrue(index.isFull());
        index.close();
        OffsetIndex reopened = new OffsetIndex(file, 0, 8 * 3);
        assertEquals(3, reopened.entries());
        reopened.sanityCheck(31);
        assertThrows(IndexCorruptException.class, () -> reopened.sanityCheck(30), "position past the log");
    }

    @Test
    void zeroFilledPreallocatedIndexFailsItsSanityCheck() throws Exception {
        Path file = tmp.resolve("5.index");
        Files.write(file, new byte[64]);
        OffsetIndex index = new OffsetIndex(file, 5, 64);
        assertEquals(8, index.entries());
        assertThrows(IndexCorruptException.class, () -> index.sanityCheck(1000));
    }

    @Test
    void timeIndexLookupAndTruncation() {
        TimeIndex index = new TimeIndex(tmp.resolve("0.timeindex"), 0, 1200);
        index.maybeAppend(1000, 5);
        index.maybeAppend(1000, 8); // same timestamp: skipped
        index.maybeAppend(900, 9);  // older timestamp: skipped
        index.maybeAppend(2000, 12);
        assertEquals(2, index.entries());
        assertEquals(new TimestampOffset(-1, 0), index.lookup(999));
        assertEquals(new TimestampOffset(1000, 5), index.lookup(1500));
        assertEquals(new TimestampOffset(2000, 12), index.lookup(2000));
        index.sanityCheck(13);
        assertThrows(IndexCorruptException.class, () -> index.sanityCheck(12));
        index.truncateTo(12);
        assertEquals(new TimestampOffset(1000, 5), index.lastEntry());
    }
}
