package io.fjord.storage.log;

import java.nio.ByteBuffer;

/**
 * Raw record batches read from a log, exactly as stored: what a fetch ships. The first batch contains
 * {@code fetchOffset} (it may start below it: consumers skip records before the offset they asked for).
 */
public record FetchDataInfo(long fetchOffset, ByteBuffer records) {
    public static FetchDataInfo empty(long fetchOffset) {
        return new FetchDataInfo(fetchOffset, ByteBuffer.allocate(0));
    }

    public boolean isEmpty() {
        return !records.hasRemaining();
    }
}
