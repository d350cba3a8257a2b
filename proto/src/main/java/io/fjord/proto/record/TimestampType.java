package io.fjord.proto.record;

/** Which clock a batch's timestamps come from; attribute bit 3 of a batch. */
public enum TimestampType {
    /** Set by the producer when it created the record. */
    CREATE_TIME,
    /** Set by the partition leader when it appended the batch ({@code maxTimestamp} holds it). */
    LOG_APPEND_TIME
}
