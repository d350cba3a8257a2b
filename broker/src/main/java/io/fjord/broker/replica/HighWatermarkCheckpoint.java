package io.fjord.broker.replica;

import io.fjord.storage.checkpoint.CheckpointFile;
import io.fjord.storage.log.TopicPartition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code replication-offset-checkpoint} of one log directory: the high watermark of each partition replica in it,
 * so a restarted replica of a replicated partition does not expose records past what it knew were committed.
 * Format: Kafka's checkpoint format, version 0, one {@code <topic> <partition> <highWatermark>} line per partition.
 * Written atomically (see {@link CheckpointFile}). Thread-safe for one writer.
 */
final class HighWatermarkCheckpoint {
    static final String FILE_NAME = "replication-offset-checkpoint";
    private static final int VERSION = 0;

    private record Entry(TopicPartition tp, long highWatermark) {
    }

    private final CheckpointFile<Entry> file;

    HighWatermarkCheckpoint(Path logDir) {
        this.file = new CheckpointFile<>(logDir.resolve(FILE_NAME), VERSION, new CheckpointFile.EntryFormat<>() {
            @Override
            public String format(Entry entry) {
                return entry.tp().topic() + " " + entry.tp().partition() + " " + entry.highWatermark();
            }

            @Override
            public Entry parse(String line) {
                String[] parts = line.trim().split(" ");
                if (parts.length != 3) {
                    throw new IllegalArgumentException("expected '<topic> <partition> <hw>', got '" + line + "'");
                }
                return new Entry(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            }
        });
    }

    Map<TopicPartition, Long> read() {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (Entry e : file.read()) {
            out.put(e.tp(), e.highWatermark());
        }
        return out;
    }

    void write(Map<TopicPartition, Long> highWatermarks) {
        List<Entry> entries = new ArrayList<>();
        highWatermarks.entrySet().stream().sorted(Map.Entry.comparingByKey(
                        (a, b) -> a.dirName().compareTo(b.dirName())))
                .forEach(e -> entries.add(new Entry(e.getKey(), e.getValue())));
        file.write(entries);
    }
}
