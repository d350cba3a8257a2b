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
 * <p>Thread-safety: one writer (the log, under its lock); lookups may run concurrently with appends. The mapping,
 * the entry count and the capacity are published together in one immutable {@link State}; an entry is written
 * before the state that counts it, so a reader never sees a half-written entry or a count beyond its mapping. The
 * mapping is never unmapped by hand (a reader may still hold it); the garbage collector releases it.
 */
abstract class AbstractIndex implements AutoCloseable {
    protected final Path file;
    protected final long baseOffset;
    private final int maxIndexSizeBytes;
    /** What a reader needs, published atomically. */
    protected record State(MappedByteBuffer mmap, int entries, int maxEntries) {
        ByteBuffer view() {
            return mmap.duplicate();
        }
    }

    private volatile State state;

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
                MappedByteBuffer mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
                int capacity = (int) (length / entrySize());
                this.state = new State(mmap, created ? 0 : capacity, capacity);
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
        return state.entries();
    }

    public boolean isFull() {
        State s = state;
        return s.entries() >= s.maxEntries();
    }

    public long sizeInBytes() {
        return (long) state.entries() * entrySize();
    }

    /** One consistent snapshot for a lookup: use its view and its entry count together. */
    protected State snapshot() {
        return state;
    }

    /** Writes entry number {@link #entries()} through {@code writer} and publishes it. Caller checks isFull. */
    protected void appendEntry(java.util.function.Consumer<ByteBuffer> writer) {
        State s = state;
        if (s.entries() >= s.maxEntries()) {
            throw new IllegalStateException("index " + file + " is full (" + s.maxEntries() + " entries)");
        }
        ByteBuffer buf = s.view();
        buf.position(s.entries() * entrySize());
        writer.accept(buf);
        state = new State(s.mmap(), s.entries() + 1, s.maxEntries());
    }

    /**
     * Index of the last entry whose key is at most {@code target}, or -1 if none, by binary search over
     * {@code keyAt}.
     */
    protected int largestLowerBound(State s, long target) {
        ByteBuffer buf = s.view();
        int lo = 0;
        int hi = s.entries() - 1;
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
        State s = state;
        state = new State(s.mmap(), Math.min(s.entries(), Math.max(0, n)), s.maxEntries());
    }

    public void reset() {
        truncateToEntries(0);
    }

    /** Shrinks the file to its entries (when the segment stops being active). */
    public void trimToValidSize() {
        resize(state.entries() * entrySize());
    }

    /** Grows the file back to the preallocated size (when a segment becomes active again after truncation). */
    public void makeWritable() {
        resize(roundDown(maxIndexSizeBytes));
    }

    private void resize(int newLength) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            State s = state;
            int length = Math.max(newLength, s.entries() * entrySize());
            raf.setLength(length);
            MappedByteBuffer mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            state = new State(mmap, s.entries(), length / entrySize());
        } catch (IOException e) {
            throw new StorageException("cannot resize index " + file, e);
        }
    }

    /** Forces entries and the file length to disk. */
    public void flush() {
        state.mmap().force();
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
