package io.fjord.storage.index;

import io.fjord.storage.StorageException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sparse, memory-mapped index of fixed-size entries sorted by key, for one segment. The file is preallocated to
 * {@code maxIndexSizeBytes} while the segment is active and trimmed to its entries when the segment rolls or the log
 * closes, so a cleanly closed index's length says how many entries it holds.
 *
 * <p>Thread-safety: one writer (the log, under its lock); lookups may run concurrently with appends. Entries are
 * written before the volatile entry count is raised, so a reader never sees a half-written entry. The mapping is
 * never unmapped by hand (a reader may still hold it); the garbage collector releases it.
 */
abstract class AbstractIndex implements AutoCloseable {
    protected final Path file;
    protected final long baseOffset;
    private final int maxIndexSizeBytes;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    AbstractIndex(Path file, long baseOffset, int maxIndexSizeBytes) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.maxIndexSizeBytes = maxIndexSizeBytes;
        try {
            boolean created = !Files.exists(file);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                long length = raf.length();
                if (created) {
                    length = roundDown(maxIndexSizeBytes);
                    raf.setLength(length);
                } else if (length % entrySize() != 0) {
                    throw new IndexCorruptException("index " + file + " has length " + length
                            + ", not a multiple of the entry size " + entrySize());
                }
                this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
                this.entries = created ? 0 : (int) (length / entrySize());
                this.maxEntries = (int) (length / entrySize());
            }
        } catch (IOException e) {
            throw new StorageException("cannot open index " + file, e);
        }
    }

    protected abstract int entrySize();

    public Path file() {
        return file;
    }

    public int entries() {
        return entries;
    }

    public boolean isFull() {
        return entries >= maxEntries;
    }

    protected int maxEntries() {
        return maxEntries;
    }

    public long sizeInBytes() {
        return (long) entries * entrySize();
    }

    protected ByteBuffer view() {
        return mmap.duplicate();
    }

    /** Writes entry number {@link #entries()} through {@code writer} and publishes it. Caller checks isFull. */
    protected void appendEntry(java.util.function.Consumer<ByteBuffer> writer) {
        if (isFull()) {
            throw new IllegalStateException("index " + file + " is full (" + maxEntries + " entries)");
        }
        ByteBuffer buf = mmap.duplicate();
        buf.position(entries * entrySize());
        writer.accept(buf);
        entries = entries + 1;
    }

    /**
     * Index of the last entry whose key is at most {@code target}, or -1 if none, by binary search over
     * {@code keyAt}.
     */
    protected int largestLowerBound(long target) {
        ByteBuffer buf = view();
        int lo = 0;
        int hi = entries - 1;
        if (hi < 0 || keyAt(buf, 0) > target) {
            return -1;
        }
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (keyAt(buf, mid) <= target) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    protected abstract long keyAt(ByteBuffer buf, int n);

    /** Drops the entries at index {@code n} and after. */
    protected void truncateToEntries(int n) {
        entries = Math.min(entries, Math.max(0, n));
    }

    public void reset() {
        truncateToEntries(0);
    }

    /** Shrinks the file to its entries (when the segment stops being active). */
    public void trimToValidSize() {
        resize(entries * entrySize());
    }

    /** Grows the file back to the preallocated size (when a segment becomes active again after truncation). */
    public void makeWritable() {
        resize(roundDown(maxIndexSizeBytes));
    }

    private void resize(int newLength) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            int length = Math.max(newLength, entries * entrySize());
            raf.setLength(length);
            mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            maxEntries = length / entrySize();
        } catch (IOException e) {
            throw new StorageException("cannot resize index " + file, e);
        }
    }

    /** Forces entries and the file length to disk. */
    public void flush() {
        mmap.force();
        try (FileChannel channel = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot flush index " + file, e);
        }
    }

    @Override
    public void close() {
        trimToValidSize();
    }

    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException("cannot delete index " + file, e);
        }
    }

    private int roundDown(int bytes) {
        return Math.max(entrySize(), bytes - bytes % entrySize());
    }
}
