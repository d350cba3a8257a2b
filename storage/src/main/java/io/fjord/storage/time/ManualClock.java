package io.fjord.storage.time;

/** A clock that moves only when told to: for tests and deterministic runs. Thread-safe. */
public final class ManualClock implements Clock {
    private volatile long nowMs;

    public ManualClock(long startMs) {
        this.nowMs = startMs;
    }

    @Override
    public long nowMs() {
        return nowMs;
    }

    public synchronized void advanceMs(long deltaMs) {
        if (deltaMs < 0) {
            throw new IllegalArgumentException("time only moves forward: " + deltaMs);
        }
        nowMs += deltaMs;
    }
}
