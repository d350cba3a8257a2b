package io.fjord.quorum.raft;

/** An offset and the epoch of the entry just before it (or the epoch it ends, for divergence answers). */
public record OffsetAndEpoch(long offset, int epoch) implements Comparable<OffsetAndEpoch> {
    public static final OffsetAndEpoch ZERO = new OffsetAndEpoch(0, 0);

    /** Raft's "at least as up to date": higher last epoch wins, then the longer log. */
    @Override
    public int compareTo(OffsetAndEpoch other) {
        return epoch != other.epoch ? Integer.compare(epoch, other.epoch) : Long.compare(offset, other.offset);
    }
}
