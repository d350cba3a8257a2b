package io.fjord.quorum.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the metadata log: its offset, the epoch of the leader that wrote it, and its bytes. A
 * {@code control} entry is written by the quorum itself (the leader-change entry that opens each epoch).
 */
public record LogEntry(long offset, int epoch, boolean control, byte[] data) {
    public LogEntry {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && offset == e.offset && epoch == e.epoch && control == e.control
                && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, epoch, control, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "LogEntry(" + offset + "@" + epoch + (control ? ", control" : "") + ", " + data.length + "B)";
    }
}
