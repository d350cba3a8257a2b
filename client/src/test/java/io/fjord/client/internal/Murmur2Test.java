package io.fjord.client.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Kafka's {@code UtilsTest.testMurmur2} vectors: the same key must land in the same partition as with Kafka. */
class Murmur2Test {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void matchesKafkaKnownValues() {
        assertEquals(-973932308, Murmur2.hash(b("21")));
        assertEquals(-790332482, Murmur2.hash(b("foobar")));
        assertEquals(-985981536, Murmur2.hash(b("a-little-bit-long-string")));
        assertEquals(-1486304829, Murmur2.hash(b("a-little-bit-longer-string")));
        assertEquals(-58897971, Murmur2.hash(b("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")));
        assertEquals(479470107, Murmur2.hash(new byte[] {'a', 'b', 'c'}));
    }

    @Test
    void partitionIsToPositiveModuloCount() {
        assertEquals((-973932308 & 0x7fffffff) % 7, Murmur2.partitionForKey(b("21"), 7));
        assertEquals(0, Murmur2.toPositive(Integer.MIN_VALUE));
        assertEquals(Integer.MAX_VALUE, Murmur2.toPositive(-1));
    }
}
