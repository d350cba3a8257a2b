package io.fjord.quorum.sim;

import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.quorum.raft.RaftNode;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's state machine: its image is simply every committed entry, so a snapshot can be checked against
 * what was committed. Layout: per entry {@code offset int64, epoch int32, control int8, length int32, data}.
 */
final class SimSnapshots {
    private SimSnapshots() {
    }

    static byte[] encode(List<LogEntry> entries) {
        int size = 0;
        for (LogEntry e : entries) {
            size += 17 + e.data().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (LogEntry e : entries) {
            out.putLong(e.offset()).putInt(e.epoch()).put((byte) (e.control() ? 1 : 0)).putInt(e.data().length)
                    .put(e.data());
        }
        return out.array();
    }

    static List<LogEntry> decode(byte[] snapshot) {
        ByteBuffer in = ByteBuffer.wrap(snapshot);
        List<LogEntry> entries = new ArrayList<>();
        while (in.hasRemaining()) {
            long offset = in.getLong();
            int epoch = in.getInt();
            boolean control = in.get() == 1;
            byte[] data = new byte[in.getInt()];
            in.get(data);
            entries.add(new LogEntry(offset, epoch, control, data));
        }
        return entries;
    }

    /** What {@code node} knows is committed: its latest snapshot's entries, then its log up to its high watermark. */
    static List<LogEntry> committedView(RaftNode node) {
        OffsetAndEpoch latest = node.latestSnapshotId();
        List<LogEntry> view = new ArrayList<>(latest == null ? List.of() : decode(node.readSnapshot(latest)));
        long next = latest == null ? node.log().startOffset() : latest.offset();
        while (next < node.highWatermark()) {
            List<LogEntry> chunk = node.log().read(next, (int) Math.min(1000, node.highWatermark() - next));
            view.addAll(chunk);
            next += chunk.size();
        }
        return view;
    }
}
