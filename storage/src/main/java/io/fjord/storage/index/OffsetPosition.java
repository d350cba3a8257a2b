package io.fjord.storage.index;

/** A log offset and the byte position in its segment file of the batch to start scanning from. */
public record OffsetPosition(long offset, int position) {
}
