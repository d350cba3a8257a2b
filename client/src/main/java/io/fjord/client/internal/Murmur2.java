package io.fjord.client.internal;

/**
 * The 32-bit murmur2 hash exactly as Kafka's {@code Utils.murmur2} computes it (seed {@code 0x9747b28c}), so a key
 * lands in the same partition number as with a Kafka producer. Stateless; thread-safe.
 */
public final class Murmur2 {
    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private Murmur2() {
    }

    @SuppressWarnings("fallthrough")
    public static int hash(byte[] data) {
        int length = data.length;
        int h = SEED ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        int tail = length & ~3;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }

    /** Kafka's {@code Utils.toPositive}: clears the sign bit (not {@code Math.abs}, which fails on MIN_VALUE). */
    public static int toPositive(int number) {
        return number & 0x7fffffff;
    }

    /** The partition Kafka's default partitioner picks for a non-null key. */
    public static int partitionForKey(byte[] key, int numPartitions) {
        return toPositive(hash(key)) % numPartitions;
    }
}
