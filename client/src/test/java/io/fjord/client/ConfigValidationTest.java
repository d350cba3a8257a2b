package io.fjord.client;

import io.fjord.proto.record.CompressionType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigValidationTest {
    private static Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", "localhost:9092");
        return m;
    }

    private static String producerError(String key, Object value) {
        Map<String, Object> m = base();
        m.put(key, value);
        return assertThrows(ConfigException.class, () -> new ProducerConfig(m)).getMessage();
    }

    @Test
    void defaultsFollowKafka() {
        ProducerConfig c = new ProducerConfig(base());
        assertEquals(-1, c.acks());
        assertEquals(16384, c.batchSizeBytes());
        assertEquals(5, c.maxInFlightRequestsPerConnection());
        assertEquals(120_000, c.deliveryTimeoutMs());
        assertEquals(CompressionType.NONE, c.compressionType());
        assertEquals(List.of("localhost:9092"), c.bootstrapServers());
    }

    @Test
    void stringsAndTypedValuesBothParse() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "a:1, b:2");
        p.setProperty("acks", "1");
        p.setProperty("linger.ms", "20");
        p.setProperty("compression.type", "ZSTD");
        ProducerConfig c = new ProducerConfig(io.fjord.client.internal.ConfigDef.toMap(p));
        assertEquals(List.of("a:1", "b:2"), c.bootstrapServers());
        assertEquals(1, c.acks());
        assertEquals(20, c.lingerMs());
        assertEquals(CompressionType.ZSTD, c.compressionType());
        Map<String, Object> typed = base();
        typed.put("batch.size", 1000);
        typed.put("acks", "all");
        assertEquals(1000, new ProducerConfig(typed).batchSizeBytes());
    }

    @Test
    void invalidValuesNameKeyValueAndWhatIsAllowed() {
        assertEquals("Invalid value 'maybe' for configuration 'acks': allowed are all, -1, 0, 1",
                producerError("acks", "maybe"));
        assertEquals("Invalid value 'brotli' for configuration 'compression.type': allowed are none, gzip, snappy,"
                + " lz4, zstd", producerError("compression.type", "brotli"));
        assertEquals("Invalid value '0' for configuration 'batch.size': allowed is an integer in [1, ...]",
                producerError("batch.size", 0));
        assertEquals("Invalid value 'ten' for configuration 'linger.ms': allowed is an integer in [0, ...]",
                producerError("linger.ms", "ten"));
        assertEquals("Invalid value '0' for configuration 'max.in.flight.requests.per.connection': allowed is an"
                + " integer in [1, ...]", producerError("max.in.flight.requests.per.connection", "0"));
    }

    @Test
    void missingBootstrapAndInconsistentTimeoutsAreRefused() {
        String msg = assertThrows(ConfigException.class, () -> new ProducerConfig(Map.of())).getMessage();
        assertEquals("Invalid value 'null' for configuration 'bootstrap.servers': allowed is a non-empty list of"
                + " host:port", msg);
        Map<String, Object> m = base();
        m.put("delivery.timeout.ms", 1000);
        m.put("request.timeout.ms", 30_000);
        assertEquals("Invalid value '1000' for configuration 'delivery.timeout.ms': allowed is at least linger.ms"
                + " + request.timeout.ms = 30005", assertThrows(ConfigException.class,
                () -> new ProducerConfig(m)).getMessage());
    }

    @Test
    void consumerValidatesAutoOffsetReset() {
        Map<String, Object> m = base();
        m.put("auto.offset.reset", "smallest");
        assertEquals("Invalid value 'smallest' for configuration 'auto.offset.reset': allowed are earliest, latest,"
                + " none", assertThrows(ConfigException.class, () -> new ConsumerConfig(m)).getMessage());
        m.put("auto.offset.reset", "Earliest");
        m.put("max.poll.records", "10");
        ConsumerConfig c = new ConsumerConfig(m);
        assertEquals("earliest", c.autoOffsetReset());
        assertEquals(10, c.maxPollRecords());
    }

    @Test
    void unknownPartitionerClassIsAConfigError() {
        Map<String, Object> m = base();
        m.put("partitioner.class", "com.example.Nope");
        String msg = assertThrows(ConfigException.class, () -> new FjordProducer(m)).getMessage();
        assertEquals(true, msg.startsWith("Invalid value 'com.example.Nope' for configuration 'partitioner.class'"),
                msg);
    }
}
