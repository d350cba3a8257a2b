package io.fjord.storage.epoch;

/** An offset together with the leader epoch it belongs to; {@link #UNDEFINED} when unknown. */
public record OffsetAndEpoch(long offset, int epoch) {
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1L;
    public static final OffsetAndEpoch UNDEFINED = new OffsetAndEpoch(UNDEFINED_OFFSET, UNDEFINED_EPOCH);
}
