package io.fjord.quorum.log;

import io.fjord.quorum.raft.OffsetAndEpoch;
import io.fjord.storage.StorageException;
import io.fjord.storage.checkpoint.CheckpointFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The quorum's snapshots as files in the metadata log directory, one per snapshot id, named
 * {@code <offset, 20 digits>-<epoch, 10 digits>.checkpoint} (Kafka's naming). Layout:
 * <pre>
 * magic      4 bytes  "FJSN"
 * version    int32    0
 * length     int64    bytes of data
 * crc        uint32   CRC-32C of data
 * data       length bytes, the state machine's image
 * </pre>
 * A snapshot is written to {@code NAME.part}, fsynced, renamed into place and the directory fsynced: when
 * {@link #write} returns it survives a crash, and a torn write leaves only a {@code .part} file, removed on open.
 * Every snapshot's checksum is verified when the directory is opened; a damaged one is a {@link StorageException}.
 * Not thread-safe: the quorum's driver thread owns it.
 */
final class SnapshotFiles {
    static final String SUFFIX = ".checkpoint";
    private static final String PART = ".part";
    private static final Pattern NAME = Pattern.compile("(\\d{20})-(\\d{10})\\" + SUFFIX);
    private static final int MAGIC = 0x464a534e; // "FJSN"
    private static final int HEADER_BYTES = 4 + 4 + 8 + 4;

    private final Path dir;
    private final TreeMap<OffsetAndEpoch, Long> sizes = new TreeMap<>(
            (a, b) -> a.offset() != b.offset() ? Long.compare(a.offset(), b.offset()) : Integer.compare(a.epoch(), b.epoch()));

    SnapshotFiles(Path dir) {
        this.dir = dir;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                Matcher m = NAME.matcher(name);
                if (name.endsWith(SUFFIX + PART)) {
                    Files.delete(file); // a write that never completed
                } else if (m.matches()) {
                    OffsetAndEpoch id = new OffsetAndEpoch(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)));
                    sizes.put(id, verify(file));
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list snapshots in " + dir, e);
        }
    }

    static String fileName(OffsetAndEpoch id) {
        return String.format("%020d-%010d%s", id.offset(), id.epoch(), SUFFIX);
    }

    /** The newest snapshot, or null. */
    OffsetAndEpoch latest() {
        return sizes.isEmpty() ? null : sizes.lastKey();
    }

    /** The snapshot ending exactly at {@code offset}, or null. */
    OffsetAndEpoch at(long offset) {
        OffsetAndEpoch floor = sizes.floorKey(new OffsetAndEpoch(offset, Integer.MAX_VALUE));
        return floor != null && floor.offset() == offset ? floor : null;
    }

    long sizeBytes(OffsetAndEpoch id) {
        Long size = sizes.get(id);
        if (size == null) {
            throw new IllegalArgumentException("no snapshot " + fileName(id) + " in " + dir);
        }
        return size;
    }

    byte[] read(OffsetAndEpoch id, long position, int maxBytes) {
        long size = sizeBytes(id);
        if (position < 0 || position > size || maxBytes < 0) {
            throw new IllegalArgumentException("cannot read " + maxBytes + " bytes at " + position + " of snapshot "
                    + fileName(id) + " (" + size + " bytes)");
        }
        ByteBuffer out = ByteBuffer.allocate((int) Math.min(maxBytes, size - position));
        try (FileChannel channel = FileChannel.open(dir.resolve(fileName(id)), StandardOpenOption.READ)) {
            while (out.hasRemaining()) {
                if (channel.read(out, HEADER_BYTES + position + out.position()) < 0) {
                    throw new StorageException("snapshot " + fileName(id) + " in " + dir + " is shorter than its header says");
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot read snapshot " + fileName(id) + " in " + dir, e);
        }
        return out.array();
    }

    /** Writes snapshot {@code id} durably (see the class comment). */
    void write(OffsetAndEpoch id, byte[] data) {
        Path file = dir.resolve(fileName(id));
        Path part = dir.resolve(fileName(id) + PART);
        CRC32C crc = new CRC32C();
        crc.update(data);
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(0).putLong(data.length)
                .putInt((int) crc.getValue()).flip();
        try {
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer body = ByteBuffer.wrap(data);
                while (header.hasRemaining() || body.hasRemaining()) {
                    channel.write(new ByteBuffer[] {header, body});
                }
                channel.force(true);
            }
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            CheckpointFile.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot write snapshot " + file, e);
        }
        sizes.put(id, (long) data.length);
    }

    /** Deletes every snapshot older than {@code keep}. */
    void deleteOlderThan(OffsetAndEpoch keep) {
        for (OffsetAndEpoch id : new java.util.ArrayList<>(sizes.headMap(keep).keySet())) {
            try {
                Files.deleteIfExists(dir.resolve(fileName(id)));
            } catch (IOException e) {
                throw new StorageException("cannot delete snapshot " + fileName(id) + " in " + dir, e);
            }
            sizes.remove(id);
        }
    }

    /** Checks header and checksum; returns the data size. */
    private static long verify(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            while (header.hasRemaining() && channel.read(header) >= 0) {
                // read the whole header
            }
            header.flip();
            if (header.remaining() < HEADER_BYTES || header.getInt() != MAGIC || header.getInt() != 0) {
                throw new StorageException("snapshot " + file + " has no valid header: damaged or not a Fjord snapshot");
            }
            long length = header.getLong();
            int expectedCrc = header.getInt();
            if (length < 0 || length != channel.size() - HEADER_BYTES) {
                throw new StorageException("snapshot " + file + " says " + length + " bytes but holds "
                        + (channel.size() - HEADER_BYTES) + ": damaged");
            }
            CRC32C crc = new CRC32C();
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            while (channel.read(chunk) > 0) {
                crc.update(chunk.flip());
                chunk.clear();
            }
            if ((int) crc.getValue() != expectedCrc) {
                throw new StorageException("snapshot " + file + " fails its checksum: damaged");
            }
            return length;
        }
    }
}
