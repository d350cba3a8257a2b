package io.fjord.storage.log;

/** The header fields of one stored batch that the log needs, and where the batch sits in its segment file. */
record BatchHeader(int position, int sizeInBytes, long baseOffset, long lastOffset, long maxTimestamp,
                   int partitionLeaderEpoch) {
    long nextOffset() {
        return lastOffset + 1;
    }

    int endPosition() {
        return position + sizeInBytes;
    }
}
