package io.fjord.client.internal;

import io.fjord.client.TimeoutException;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accounts the bytes held by unsent batches against {@code buffer.memory}: {@link #reserve} blocks (up to
 * {@code max.block.ms}) while the producer is full, and {@link #release} wakes waiters. Thread-safe.
 */
public final class BufferMemory {
    private final long totalBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private long usedBytes;
    private int waiters;

    public BufferMemory(long totalBytes) {
        this.totalBytes = totalBytes;
    }

    public void reserve(int bytes, long maxBlockMs) {
        lock.lock();
        try {
            long leftNs = TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
            while (usedBytes + bytes > totalBytes && usedBytes > 0) {
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
            usedBytes += bytes;
        } finally {
            lock.unlock();
        }
    }

    public void release(int bytes) {
        lock.lock();
        try {
            usedBytes -= bytes;
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
}
