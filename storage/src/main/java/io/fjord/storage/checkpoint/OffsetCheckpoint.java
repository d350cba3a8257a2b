package io.fjord.storage.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** A checkpoint holding one offset, e.g. a log's recovery point or its log start offset. */
public final class OffsetCheckpoint {
    private static final int VERSION = 0;
    private final CheckpointFile<Long> file;

    public OffsetCheckpoint(Path path) {
        this.file = new CheckpointFile<>(path, VERSION, new CheckpointFile.EntryFormat<>() {
            @Override
            public String format(Long entry) {
                return Long.toString(entry);
            }

            @Override
            public Long parse(String line) {
                return Long.parseLong(line.trim());
            }
        });
    }

    public void write(long offset) {
        file.write(List.of(offset));
    }

    public OptionalLong read() {
        List<Long> entries = file.read();
        return entries.isEmpty() ? OptionalLong.empty() : OptionalLong.of(entries.get(0));
    }
}
