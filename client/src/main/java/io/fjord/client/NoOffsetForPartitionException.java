package io.fjord.client;

/** A consumer has no position for a partition and {@code auto.offset.reset=none}: call {@code seek} first. */
public class NoOffsetForPartitionException extends FjordException {
    public NoOffsetForPartitionException(TopicPartition partition, String why) {
        super("no position for " + partition + " (" + why + ") and auto.offset.reset=none: seek to an offset first");
    }
}
