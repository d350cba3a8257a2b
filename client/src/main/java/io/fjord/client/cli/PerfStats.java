package io.fjord.client.cli;

import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Counts records, bytes and latencies for the perf tools: a progress line every {@code reportIntervalMs}
 * (records, rec/s, MB/s, avg and max latency, as kafka-producer-perf-test prints) and a final line with
 * percentiles from an HdrHistogram (microsecond resolution, up to one hour). {@code nowMs} arguments may come from any
 * millisecond clock, the same one for every call. Thread-safe: {@link #record} is called from client I/O threads.
 */
final class PerfStats {
    private static final double MB = 1024.0 * 1024.0;

    private final PrintWriter out;
    private final String verb;
    private final long reportIntervalMs;
    private final long startMs;
    private final Histogram histogram = new Histogram(3_600_000_000L, 3);
    private long count;
    private long bytes;
    private long windowStartMs;
    private long windowCount;
    private long windowBytes;
    private long windowLatencyUsSum;
    private long windowMaxLatencyUs;

    PerfStats(PrintWriter out, String verb, long reportIntervalMs, long nowMs) {
        this.out = out;
        this.verb = verb;
        this.reportIntervalMs = reportIntervalMs;
        this.startMs = nowMs;
        this.windowStartMs = nowMs;
    }

    synchronized void record(long latencyUs, int sizeBytes, long nowMs) {
        long clamped = Math.max(0, Math.min(latencyUs, histogram.getHighestTrackableValue()));
        histogram.recordValue(clamped);
        count++;
        bytes += sizeBytes;
        windowCount++;
        windowBytes += sizeBytes;
        windowLatencyUsSum += clamped;
        windowMaxLatencyUs = Math.max(windowMaxLatencyUs, clamped);
        if (nowMs - windowStartMs >= reportIntervalMs) {
            printWindow(nowMs);
        }
    }

    private void printWindow(long nowMs) {
        double seconds = Math.max(1, nowMs - windowStartMs) / 1000.0;
        out.println(String.format(Locale.ROOT,
                "%d records %s, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.",
                windowCount, verb, windowCount / seconds, windowBytes / MB / seconds,
                windowCount == 0 ? 0.0 : windowLatencyUsSum / 1000.0 / windowCount, windowMaxLatencyUs / 1000.0));
        out.flush();
        windowStartMs = nowMs;
        windowCount = 0;
        windowBytes = 0;
        windowLatencyUsSum = 0;
        windowMaxLatencyUs = 0;
    }

    synchronized long count() {
        return count;
    }

    /** The final line: totals and latency avg / p50 / p99 / p99.9 / max in ms. */
    synchronized String summary(long nowMs) {
        double seconds = Math.max(1, nowMs - startMs) / 1000.0;
        return String.format(Locale.ROOT, "%d records %s, %.1f records/sec (%.2f MB/sec), %.2f ms avg latency, "
                        + "%.2f ms 50th, %.2f ms 99th, %.2f ms 99.9th, %.2f ms max latency.",
                count, verb, count / seconds, bytes / MB / seconds, histogram.getMean() / 1000.0,
                ms(50), ms(99), ms(99.9), histogram.getMaxValue() / 1000.0);
    }

    private double ms(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
