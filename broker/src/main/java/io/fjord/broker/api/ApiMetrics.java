package io.fjord.broker.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Client API metrics: {@code fjord.requests} (a timer per API, tagged {@code api}: count and latency, including
 * time in the purgatory), {@code fjord.bytes.in} (record batch bytes appended) and {@code fjord.bytes.out} (bytes
 * fetched). Thread-safe.
 */
public final class ApiMetrics {
    public static final String PRODUCE = "Produce";
    public static final String FETCH = "Fetch";
    public static final String SUBSCRIBE = "Subscribe";
    public static final String LIST_OFFSETS = "ListOffsets";

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Counter bytesIn;
    private final Counter bytesOut;

    public ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytesIn = Counter.builder("fjord.bytes.in").baseUnit("bytes")
                .description("record batch bytes appended by producers").register(registry);
        this.bytesOut = Counter.builder("fjord.bytes.out").baseUnit("bytes")
                .description("record batch bytes sent to consumers").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Records one request of {@code api} that started at {@code startNs} ({@link System#nanoTime}). */
    public void request(String api, long startNs) {
        timers.computeIfAbsent(api, name -> Timer.builder("fjord.requests").tag("api", name)
                        .description("client API requests: count and latency").register(registry))
                .record(System.nanoTime() - startNs, TimeUnit.NANOSECONDS);
    }

    public void bytesIn(long bytes) {
        bytesIn.increment(bytes);
    }

    public void bytesOut(long bytes) {
        bytesOut.increment(bytes);
    }
}
