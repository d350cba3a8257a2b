package io.fjord.storage.log;

import java.util.Map;

/**
 * Configuration of one partition log, with Kafka's names (topic-level keys in brackets). Immutable.
 *
 * @param segmentBytes        roll a segment at this size ({@code segment.bytes})
 * @param segmentMs           roll a segment this long after its first batch's timestamp ({@code segment.ms})
 * @param indexIntervalBytes  bytes of log between offset-index entries ({@code index.interval.bytes})
 * @param maxIndexSizeBytes   maximum size of an index file; a full index rolls the segment ({@code segment.index.bytes})
 * @param retentionMs         delete segments whose newest timestamp is older; -1 keeps forever ({@code retention.ms})
 * @param retentionBytes      delete oldest segments while the log is larger; -1 for no limit ({@code retention.bytes})
 * @param maxMessageBytes     largest record batch accepted ({@code max.message.bytes}; broker: {@code message.max.bytes})
 * @param flushMessages       fsync after this many unflushed messages ({@code flush.messages})
 * @param flushMs             fsync when the oldest unflushed data is this old ({@code flush.ms})
 */
public record LogConfig(int segmentBytes, long segmentMs, int indexIntervalBytes, int maxIndexSizeBytes,
                        long retentionMs, long retentionBytes, int maxMessageBytes, long flushMessages,
                        long flushMs) {
    public static final int DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
    public static final int DEFAULT_MAX_INDEX_SIZE_BYTES = 10 * 1024 * 1024;
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_RETENTION_BYTES = -1L;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
    /** As in Kafka: no explicit fsync by default; durability comes from replication (see README). */
    public static final long DEFAULT_FLUSH_MESSAGES = Long.MAX_VALUE;
    public static final long DEFAULT_FLUSH_MS = Long.MAX_VALUE;

    /**
     * The smallest {@code segment.bytes} accepted (Kafka's historical minimum). A batch larger than the segment size
     * still goes into a segment of its own; tiny segments are for tests.
     */
    public static final int MIN_SEGMENT_BYTES = 14;

    /** Kafka topic configs that are not settings of the log itself: applied elsewhere, or not supported yet. */
    private static final Map<String, String> NOT_LOG_SETTINGS = Map.of(
            "cleanup.policy", "only 'delete' exists so far: log compaction is not supported yet",
            "compression.type", "a topic-level setting the broker applies, not the log",
            "min.insync.replicas", "a topic-level setting the broker applies, not the log",
            "unclean.leader.election.enable", "a topic-level setting the controller applies, not the log",
            "message.timestamp.type", "not supported yet: producers' CreateTime is kept",
            "segment.jitter.ms", "not supported yet");

    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_SEGMENT_BYTES, DEFAULT_SEGMENT_MS, DEFAULT_INDEX_INTERVAL_BYTES,
                DEFAULT_MAX_INDEX_SIZE_BYTES, DEFAULT_RETENTION_MS, DEFAULT_RETENTION_BYTES, DEFAULT_MAX_MESSAGE_BYTES,
                DEFAULT_FLUSH_MESSAGES, DEFAULT_FLUSH_MS);
    }

    public LogConfig {
        require(segmentBytes >= MIN_SEGMENT_BYTES, "segment.bytes", segmentBytes, "at least " + MIN_SEGMENT_BYTES);
        require(segmentMs >= 1, "segment.ms", segmentMs, "at least 1");
        require(indexIntervalBytes >= 0, "index.interval.bytes", indexIntervalBytes, "at least 0");
        require(maxIndexSizeBytes >= 12, "segment.index.bytes", maxIndexSizeBytes, "at least 12");
        require(retentionMs >= -1, "retention.ms", retentionMs, "-1 (unlimited) or at least 0");
        require(retentionBytes >= -1, "retention.bytes", retentionBytes, "-1 (unlimited) or at least 0");
        require(maxMessageBytes >= 0, "max.message.bytes", maxMessageBytes, "at least 0");
        require(flushMessages >= 1, "flush.messages", flushMessages, "at least 1");
        require(flushMs >= 0, "flush.ms", flushMs, "at least 0");
    }

    private static void require(boolean ok, String key, long value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("invalid " + key + "=" + value + ": must be " + allowed);
        }
    }

    public LogConfig withSegmentBytes(int bytes) {
        return new LogConfig(bytes, segmentMs, indexIntervalBytes, maxIndexSizeBytes, retentionMs, retentionBytes,
                maxMessageBytes, flushMessages, flushMs);
    }

    /**
     * This config with topic-level overrides applied, keyed by Kafka's topic config names. An unknown key or a
     * value that is not a number is refused with a message naming it.
     */
    public LogConfig withOverrides(Map<String, String> overrides) {
        int segBytes = segmentBytes;
        long segMs = segmentMs;
        int interval = indexIntervalBytes;
        int indexBytes = maxIndexSizeBytes;
        long retMs = retentionMs;
        long retBytes = retentionBytes;
        int maxMsg = maxMessageBytes;
        long flushMsgs = flushMessages;
        long flushEveryMs = flushMs;
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey();
            long value = parse(key, e.getValue());
            switch (key) {
                case "segment.bytes" -> segBytes = toInt(key, value);
                case "segment.ms" -> segMs = value;
                case "index.interval.bytes" -> interval = toInt(key, value);
                case "segment.index.bytes" -> indexBytes = toInt(key, value);
                case "retention.ms" -> retMs = value;
                case "retention.bytes" -> retBytes = value;
                case "max.message.bytes" -> maxMsg = toInt(key, value);
                case "flush.messages" -> flushMsgs = value;
                case "flush.ms" -> flushEveryMs = value;
                default -> throw new IllegalArgumentException(NOT_LOG_SETTINGS.containsKey(key)
                        ? "log config '" + key + "' is not a log setting here: " + NOT_LOG_SETTINGS.get(key)
                        : "unknown log config '" + key + "' (known: "
                        + "segment.bytes, segment.ms, index.interval.bytes, segment.index.bytes, retention.ms, "
                        + "retention.bytes, max.message.bytes, flush.messages, flush.ms)");
            }
        }
        return new LogConfig(segBytes, segMs, interval, indexBytes, retMs, retBytes, maxMsg, flushMsgs, flushEveryMs);
    }

    private static long parse(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException | NullPointerException ex) {
            throw new IllegalArgumentException("invalid " + key + "=" + value + ": must be a whole number");
        }
    }

    private static int toInt(String key, long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid " + key + "=" + value + ": must fit in 32 bits");
        }
        return (int) value;
    }
}
