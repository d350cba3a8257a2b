package io.fjord.storage.time;

/** The only source of time for storage and protocol cores; tests and the simulator inject their own. */
public interface Clock {
    long nowMs();

    /** Wall-clock time: for timestamps that mean a date (record times, retention). */
    Clock SYSTEM = System::currentTimeMillis;

    /** Monotonic milliseconds from an arbitrary origin: for timers, which must not jump when the wall clock does. */
    Clock MONOTONIC = () -> System.nanoTime() / 1_000_000;
}
