package io.fjord.storage.checkpoint;

import io.fjord.storage.StorageException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A small text file of entries, replaced atomically. Format (Kafka's checkpoint format):
 * <pre>
 * VERSION          one integer line
 * COUNT            one integer line
 * ENTRY            COUNT lines, each formatted by the {@link EntryFormat}
 * </pre>
 * Writes go to {@code NAME.tmp}, are fsynced, renamed over {@code NAME} and the directory is fsynced, so a reader
 * sees the old contents or the new, never a mix. Thread-safe for one writer per file.
 */
public final class CheckpointFile<T> {
    /** Turns entries into lines and back; {@code parse} throws on a malformed line. */
    public interface EntryFormat<T> {
        String format(T entry);

        T parse(String line);
    }

    private final Path file;
    private final int version;
    private final EntryFormat<T> format;

    public CheckpointFile(Path file, int version, EntryFormat<T> format) {
        this.file = file;
        this.version = version;
        this.format = format;
    }

    public Path path() {
        return file;
    }

    public synchronized void write(List<T> entries) {
        StringBuilder text = new StringBuilder().append(version).append('\n').append(entries.size()).append('\n');
        for (T entry : entries) {
            text.append(format.format(entry)).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(StandardCharsets.UTF_8.encode(text.toString()));
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(file.getParent());
        } catch (IOException e) {
            throw new StorageException("cannot write checkpoint " + file, e);
        }
    }

    /** The entries, or an empty list if the file does not exist. A malformed file is a {@link StorageException}. */
    public synchronized List<T> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StorageException("cannot read checkpoint " + file, e);
        }
        try {
            if (lines.size() < 2) {
                throw new IllegalArgumentException("missing version or count line");
            }
            int fileVersion = Integer.parseInt(lines.get(0).trim());
            if (fileVersion != version) {
                throw new IllegalArgumentException("version " + fileVersion + ", expected " + version);
            }
            int count = Integer.parseInt(lines.get(1).trim());
            if (count < 0 || lines.size() - 2 != count) {
                throw new IllegalArgumentException("count " + count + " but " + (lines.size() - 2) + " entry lines");
            }
            List<T> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                entries.add(format.parse(lines.get(i + 2)));
            }
            return entries;
        } catch (RuntimeException e) {
            throw new StorageException("malformed checkpoint " + file + ": " + e.getMessage());
        }
    }

    /** Makes a rename or a new file in {@code dir} durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
