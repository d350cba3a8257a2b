package io.fjord.storage.log;

import io.fjord.proto.record.RecordBatch;
import io.fjord.storage.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code .log} file of a segment: record batches stored back to back, exactly as they arrived (after the
 * leader's stamping). Positional reads and writes only, so readers never disturb the writer.
 * Thread-safety: one writer; any number of concurrent readers.
 */
final class SegmentFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;

    SegmentFile(Path path) {
        this.path = path;
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException("cannot open segment " + path, e);
        }
    }

    Path path() {
        return path;
    }

    long sizeOnDisk() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new StorageException("cannot stat " + path, e);
        }
    }

    void writeFully(ByteBuffer src, long position) {
        try {
            long at = position;
            while (src.hasRemaining()) {
                at += channel.write(src, at);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write to " + path, e);
        }
    }

    /** Reads up to {@code length} bytes at {@code position}; fewer only at the end of the file. */
    ByteBuffer read(long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                break;
            }
        }
        return buf.flip();
    }

    /**
     * The header of the batch at {@code position}, or null if fewer than a header's bytes remain before
     * {@code limit} or the stored length runs past it. The CRC is not checked here.
     */
    BatchHeader readHeader(int position, long limit) throws IOException {
        if (limit - position < RecordBatch.HEADER_SIZE_BYTES) {
            return null;
        }
        ByteBuffer buf = read(position, RecordBatch.HEADER_SIZE_BYTES);
        if (buf.remaining() < RecordBatch.HEADER_SIZE_BYTES) {
            return null;
        }
        RecordBatch batch = new RecordBatch(buf, 0);
        long size = (long) RecordBatch.LOG_OVERHEAD + batch.batchLength();
        if (batch.batchLength() < RecordBatch.HEADER_SIZE_BYTES - RecordBatch.LOG_OVERHEAD
                || position + size > limit) {
            return null;
        }
        return new BatchHeader(position, (int) size, batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp(),
                batch.partitionLeaderEpoch());
    }

    void truncateTo(long size) {
        try {
            channel.truncate(size);
        } catch (IOException e) {
            throw new StorageException("cannot truncate " + path + " to " + size + " bytes", e);
        }
    }

    void flush() {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot fsync " + path, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new StorageException("cannot close " + path, e);
        }
    }
}
