package io.fjord.quorum.controller.runtime;

/**
 * The consecutive failures of a loop that retries the same work (applying committed metadata, say): how long to wait
 * before the next attempt, doubling from a first delay up to a ceiling, and which failures are worth a log line (the
 * first of a run, then each time the run's length doubles). A failure that lasts, such as a log directory removed
 * under a running node, then neither floods the log nor keeps a core busy. One per loop; not thread-safe.
 */
public final class RetryBackoff {
    private final long firstDelayMs;
    private final long maxDelayMs;
    private long failures;

    public RetryBackoff(long firstDelayMs, long maxDelayMs) {
        if (firstDelayMs <= 0 || maxDelayMs < firstDelayMs) {
            throw new IllegalArgumentException("delays must satisfy 0 < first <= max, not " + firstDelayMs + " and "
                    + maxDelayMs);
        }
        this.firstDelayMs = firstDelayMs;
        this.maxDelayMs = maxDelayMs;
    }

    /** Counts a failure; returns how long to wait before the next attempt. */
    public long failed() {
        failures++;
        return delayMs();
    }

    /** The wait after the latest failure: the first delay doubled once per earlier failure of the run, capped. */
    public long delayMs() {
        long delay = firstDelayMs;
        for (long i = 1; i < failures && delay < maxDelayMs; i++) {
            delay = delay > maxDelayMs / 2 ? maxDelayMs : delay * 2;
        }
        return delay;
    }

    /** Whether the latest failure is worth logging: the 1st, 2nd, 4th, 8th, ... of the run. */
    public boolean worthLogging() {
        return failures > 0 && Long.bitCount(failures) == 1;
    }

    /** Failures in a row so far (0 after a success). */
    public long failures() {
        return failures;
    }

    /** The work succeeded: the next failure starts a new run. */
    public void succeeded() {
        failures = 0;
    }
}
