package io.fjord.client.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a loop at or below {@code targetPerSec} events per second (negative: no limit) by parking the caller until
 * the schedule catches up. Not thread-safe: one producing thread.
 */
final class Throttler {
    private final long targetPerSec;
    private final long startNs;

    Throttler(long targetPerSec, long startNs) {
        this.targetPerSec = targetPerSec;
        this.startNs = startNs;
    }

    /** How long to wait before event number {@code sent} (0-based) may go, in nanoseconds (0: now). */
    long delayNs(long sent, long nowNs) {
        if (targetPerSec <= 0) {
            return 0;
        }
        long dueNs = startNs + sent * TimeUnit.SECONDS.toNanos(1) / targetPerSec;
        return Math.max(0, dueNs - nowNs);
    }

    void throttle(long sent) {
        if (targetPerSec <= 0) {
            return;
        }
        long delayNs;
        while ((delayNs = delayNs(sent, System.nanoTime())) > 0) {
            LockSupport.parkNanos(delayNs);
        }
    }
}
