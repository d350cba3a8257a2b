package io.fjord.storage.log;

/** What an append wrote: offsets {@code firstOffset..lastOffset}, in {@code batchCount} batches. */
public record LogAppendInfo(long firstOffset, long lastOffset, long maxTimestamp, int batchCount, int recordCount,
                            int sizeInBytes) {
}
