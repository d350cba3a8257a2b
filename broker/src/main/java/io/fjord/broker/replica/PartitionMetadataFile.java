package io.fjord.broker.replica;

import io.fjord.storage.checkpoint.CheckpointFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code partition.metadata} in a partition's directory: the id of the topic the log belongs to (Kafka keeps the
 * same file). A topic deleted and created again under its name while a broker was down has a new id, so the broker
 * can tell the old log from the new topic's. Written atomically and fsynced (a {@link CheckpointFile}: a version
 * line, a count line, then the base64url topic id).
 */
final class PartitionMetadataFile {
    static final String FILE_NAME = "partition.metadata";

    private final CheckpointFile<String> file;

    PartitionMetadataFile(Path partitionDir) {
        this.file = new CheckpointFile<>(partitionDir.resolve(FILE_NAME), 0, new CheckpointFile.EntryFormat<>() {
            @Override
            public String format(String topicId) {
                return topicId;
            }

            @Override
            public String parse(String line) {
                return line.trim();
            }
        });
    }

    /** The recorded topic id; empty if the file does not exist (a log from before the file was kept). */
    Optional<String> topicId() {
        if (!Files.exists(file.path())) {
            return Optional.empty();
        }
        List<String> ids = file.read();
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(0));
    }

    void write(String topicId) {
        file.write(List.of(topicId));
    }
}
