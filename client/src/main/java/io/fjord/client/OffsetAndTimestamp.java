package io.fjord.client;

/** The first offset whose record has a timestamp at or after the one asked for, and that timestamp. Immutable. */
public record OffsetAndTimestamp(long offset, long timestamp) {
}
