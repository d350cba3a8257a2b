package io.fjord.client.internal;

import io.fjord.client.TimeoutException;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The producer's {@code buffer.memory}: hands out batch buffers, blocking (up to {@code max.block.ms}) while unsent
 * batches hold it all, and keeps freed buffers of exactly {@code batch.size} bytes for reuse, as Kafka's BufferPool
 * does. Reuse matters for throughput: a full producer holds tens of MiB of batches for hundreds of milliseconds, and
 * a garbage collector would copy fresh buffers from one survivor space to the next and zero new ones. Thread-safe.
 */
public final class BufferMemory {
    private final long totalBytes;
    private final int poolableBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private long usedBytes;
    private int waiters;

    /** @param poolableBytes the size of buffers kept for reuse ({@code batch.size}) */
    public BufferMemory(long totalBytes, int poolableBytes) {
        this.totalBytes = totalBytes;
        this.poolableBytes = poolableBytes;
    }

    /**
     * A cleared heap buffer of {@code bytes} bytes, counted against the total until {@link #deallocate}d. Freed
     * buffers kept for reuse count against the total too; they are dropped when a request needs their room.
     */
    public ByteBuffer allocate(int bytes, long maxBlockMs) {
        lock.lock();
        try {
            long leftNs = TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
            while (true) {
                if (bytes == poolableBytes && !free.isEmpty()) {
                    usedBytes += bytes;
                    return free.pollFirst().clear();
                }
                while (!free.isEmpty() && heldBytes() + bytes > totalBytes) {
                    free.pollLast(); // its room goes to a buffer of another size
                }
                if (heldBytes() + bytes <= totalBytes || heldBytes() == 0) {
                    usedBytes += bytes;
                    break;
                }
                if (leftNs <= 0) {
                    throw new TimeoutException("no buffer space for " + bytes + " bytes within " + maxBlockMs
                            + " ms (max.block.ms): buffer.memory=" + totalBytes + " is full of unsent batches");
                }
                waiters++;
                try {
                    leftNs = freed.awaitNanos(leftNs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new io.fjord.client.FjordException("interrupted while waiting for buffer space");
                } finally {
                    waiters--;
                }
            }
        } finally {
            lock.unlock();
        }
        return ByteBuffer.allocate(bytes);
    }

    /** Handed out plus kept for reuse: never above the total, except for one record larger than all of it. */
    private long heldBytes() {
        return usedBytes + (long) free.size() * poolableBytes;
    }

    /**
     * Gives back what {@link #allocate} handed out; the caller must not touch the buffer afterwards (nor anything
     * that views it, such as a built batch).
     */
    public void deallocate(ByteBuffer buffer, int bytes) {
        lock.lock();
        try {
            usedBytes -= bytes;
            if (buffer.capacity() == poolableBytes && bytes == poolableBytes) {
                free.addFirst(buffer);
            }
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether some thread waits for space (then batches are sent without waiting for linger.ms). */
    public boolean isExhausted() {
        lock.lock();
        try {
            return waiters > 0;
        } finally {
            lock.unlock();
        }
    }

    public long usedBytes() {
        lock.lock();
        try {
            return usedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** How many freed buffers wait for reuse. */
    public int pooledBuffers() {
        lock.lock();
        try {
            return free.size();
        } finally {
            lock.unlock();
        }
    }
}
