package io.fjord.storage.epoch;

/** The first offset written by the leader of {@code epoch}. */
public record EpochEntry(int epoch, long startOffset) {
}
