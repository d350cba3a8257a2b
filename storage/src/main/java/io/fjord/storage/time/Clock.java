package io.fjord.storage.time;

/** The only source of time for storage and protocol cores; tests and the simulator inject their own. */
public interface Clock {
    long nowMs();

    Clock SYSTEM = System::currentTimeMillis;
}
