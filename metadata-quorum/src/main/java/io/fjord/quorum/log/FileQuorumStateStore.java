package io.fjord.quorum.log;

import io.fjord.quorum.raft.QuorumState;
import io.fjord.quorum.raft.QuorumStateStore;
import io.fjord.storage.checkpoint.CheckpointFile;

import java.nio.file.Path;
import java.util.List;

/**
 * {@link QuorumState} in a file {@code quorum-state} in the metadata log directory: checkpoint format version 0,
 * one line {@code "epoch votedFor leaderId"} (-1 for none). Each write goes to a temporary file that is fsynced and
 * renamed over the old one, and the directory is fsynced, so when {@link #write} returns the state survives a crash,
 * and a torn write leaves the previous state.
 */
public final class FileQuorumStateStore implements QuorumStateStore {
    public static final String FILE_NAME = "quorum-state";
    private static final int VERSION = 0;

    private final CheckpointFile<QuorumState> file;

    public FileQuorumStateStore(Path dir) {
        this.file = new CheckpointFile<>(dir.resolve(FILE_NAME), VERSION, new CheckpointFile.EntryFormat<>() {
            @Override
            public String format(QuorumState s) {
                return s.epoch() + " " + s.votedFor() + " " + s.leaderId();
            }

            @Override
            public QuorumState parse(String line) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length != 3) {
                    throw new IllegalArgumentException("expected 'epoch votedFor leaderId', got '" + line + "'");
                }
                return new QuorumState(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                        Integer.parseInt(parts[2]));
            }
        });
    }

    @Override
    public QuorumState read() {
        List<QuorumState> entries = file.read();
        return entries.isEmpty() ? QuorumState.INITIAL : entries.get(0);
    }

    @Override
    public void write(QuorumState state) {
        file.write(List.of(state));
    }
}
