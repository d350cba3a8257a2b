package io.fjord.storage.index;

/** The largest timestamp seen in a segment up to {@code offset}. */
public record TimestampOffset(long timestamp, long offset) {
}
