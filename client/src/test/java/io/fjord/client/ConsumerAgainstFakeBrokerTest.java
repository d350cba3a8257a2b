package io.fjord.client;

import io.fjord.client.testing.FakeBroker;
import io.fjord.proto.record.RecordBatch;
import io.fjord.proto.v1.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consumer's positions, resets and decoding against a scripted test double (not the real broker). */
class ConsumerAgainstFakeBrokerTest {
    private FakeBroker broker;
    private final TopicPartition tp = new TopicPartition("t", 0);

    @BeforeEach
    void start() throws Exception {
        broker = new FakeBroker();
        broker.createTopic("t", 1);
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private void produce(int from, int to, int batchSizeBytes) throws Exception {
        try (FjordProducer producer = new FjordProducer(Map.of("bootstrap.servers", broker.address(),
                "linger.ms", 20, "batch.size", batchSizeBytes))) {
            for (int i = from; i < to; i++) {
                producer.send(ProducerRecord.ofStrings("t", "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private FjordConsumer consumer(String reset, int maxPollRecords) {
        return new FjordConsumer(Map.of("bootstrap.servers", broker.address(), "auto.offset.reset", reset,
                "max.poll.records", maxPollRecords, "fetch.max.wait.ms", 100));
    }

    private static List<String> drain(FjordConsumer consumer, int expected) {
        List<String> values = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (values.size() < expected && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.valueAsString()));
        }
        return values;
    }

    @Test
    void readsEverythingInOrderFromTheBeginning() throws Exception {
        produce(0, 100, 200); // several small batches
        try (FjordConsumer consumer = consumer("earliest", 7)) {
            consumer.assign(List.of(tp));
            List<String> values = drain(consumer, 100);
            assertEquals(100, values.size());
            for (int i = 0; i < 100; i++) {
                assertEquals("v" + i, values.get(i));
            }
            assertEquals(100, consumer.position(tp));
        }
    }

    @Test
    void closeDoesNotWaitForALongPollingFetch() throws Exception {
        produce(0, 10, 16384);
        broker.maxLongPollMs = 20_000;
        FjordConsumer consumer = new FjordConsumer(Map.of("bootstrap.servers", broker.address(),
                "auto.offset.reset", "earliest", "fetch.max.wait.ms", 20_000));
        consumer.assign(List.of(tp));
        assertEquals(10, drain(consumer, 10).size());
        consumer.poll(Duration.ofMillis(100)); // the fetch from offset 10 now waits at the broker for new records
        long startNanos = System.nanoTime();
        consumer.close();
        long closeMs = (System.nanoTime() - startNanos) / 1_000_000;
        assertTrue(closeMs < 5_000, "close waited " + closeMs + " ms for a fetch nobody will read");
    }

    @Test
    void fetchesAheadWhileAnAnswerIsStillBufferedAndKeepsOrder() throws Exception {
        produce(0, 100, 200); // several records per batch, many batches
        long firstBatchEnd = new RecordBatch(broker.logs.get("t-0").get(0), 0).nextOffset();
        assertTrue(firstBatchEnd > 3, "the first batch must hold more than one poll's records");
        broker.maxBatchesPerFetch = 1;
        try (FjordConsumer consumer = consumer("earliest", 3)) {
            consumer.assign(List.of(tp));
            List<String> values = new ArrayList<>();
            while (values.isEmpty()) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.valueAsString()));
            }
            assertTrue(consumer.position(tp) < firstBatchEnd, "the first answer is still partly buffered");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertTrue(
                    broker.fetchOffsets.contains(firstBatchEnd),
                    "the next fetch starts where the buffered answer ends: " + broker.fetchOffsets));
            assertTrue(consumer.position(tp) < firstBatchEnd, "sent before the buffered records were consumed");
            values.addAll(drain(consumer, 100 - values.size()));
            assertEquals(100, values.size());
            for (int i = 0; i < 100; i++) {
                assertEquals("v" + i, values.get(i));
            }
        }
    }

    @Test
    void aCorruptBatchFetchedAheadIsReportedOnlyWhenThePositionReachesIt() throws Exception {
        produce(0, 100, 200);
        java.nio.ByteBuffer second = broker.logs.get("t-0").get(1);
        long secondStart = new RecordBatch(broker.logs.get("t-0").get(0), 0).nextOffset();
        second.put(second.limit() - 1, (byte) (second.get(second.limit() - 1) ^ 0x5A)); // breaks its CRC
        broker.maxBatchesPerFetch = 1;
        try (FjordConsumer consumer = consumer("earliest", 2)) {
            consumer.assign(List.of(tp));
            List<String> values = new ArrayList<>();
            FjordException error = null;
            long deadline = System.currentTimeMillis() + 10_000;
            while (error == null && System.currentTimeMillis() < deadline) {
                try {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.valueAsString()));
                } catch (FjordException e) {
                    error = e;
                }
            }
            assertTrue(error != null && error.errorCode() == ErrorCode.CORRUPT_MESSAGE, String.valueOf(error));
            assertEquals(secondStart, values.size(), "every record before the corrupt batch came first");
            assertEquals(secondStart, consumer.position(tp), "the position is at the corrupt batch");
        }
    }

    @Test
    void seekIntoTheMiddleOfABatchSkipsEarlierRecords() throws Exception {
        produce(0, 10, 16384); // one batch
        assertEquals(1, broker.logs.get("t-0").size());
        try (FjordConsumer consumer = consumer("earliest", 500)) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 6);
            List<String> values = drain(consumer, 4);
            assertEquals(List.of("v6", "v7", "v8", "v9"), values);
        }
    }

    @Test
    void latestStartsAtTheEndAndSeesNewRecords() throws Exception {
        produce(0, 5, 16384);
        try (FjordConsumer consumer = consumer("latest", 500)) {
            consumer.assign(List.of(tp));
            assertEquals(5, consumer.position(tp));
            produce(5, 8, 16384);
            assertEquals(List.of("v5", "v6", "v7"), drain(consumer, 3));
        }
    }

    @Test
    void offsetsAndResetToBeginning() throws Exception {
        produce(0, 5, 16384);
        try (FjordConsumer consumer = consumer("latest", 500)) {
            consumer.assign(List.of(tp));
            assertEquals(0L, consumer.beginningOffsets(List.of(tp)).get(tp));
            assertEquals(5L, consumer.endOffsets(List.of(tp)).get(tp));
            consumer.seekToBeginning(List.of(tp));
            assertEquals(0, consumer.position(tp));
            assertEquals(5, drain(consumer, 5).size());
        }
    }

    @Test
    void anOutOfRangePositionResetsPerAutoOffsetReset() throws Exception {
        produce(0, 3, 16384);
        try (FjordConsumer consumer = consumer("earliest", 500)) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 50);
            assertEquals(List.of("v0", "v1", "v2"), drain(consumer, 3));
        }
    }

    @Test
    void notLeaderRefreshesMetadataAndFetchesAgain() throws Exception {
        produce(0, 3, 16384);
        try (FjordConsumer consumer = consumer("earliest", 500)) {
            consumer.assign(List.of(tp));
            consumer.position(tp);
            int metadataBefore = broker.metadataCalls.get();
            broker.fetchErrors.add(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            broker.fetchErrors.add(ErrorCode.FENCED_LEADER_EPOCH);
            assertEquals(List.of("v0", "v1", "v2"), drain(consumer, 3));
            assertTrue(broker.metadataCalls.get() >= metadataBefore + 2, "refreshed after each error");
            assertTrue(broker.fetchCalls.get() <= 10, "backed off instead of spinning: " + broker.fetchCalls.get());
        }
    }

    @Test
    void nonRetriableFetchErrorsSurface() throws Exception {
        produce(0, 1, 16384);
        try (FjordConsumer consumer = consumer("earliest", 500)) {
            consumer.assign(List.of(tp));
            consumer.position(tp);
            broker.fetchErrors.add(ErrorCode.UNKNOWN_SERVER_ERROR);
            FjordException e = assertThrows(FjordException.class, () -> consumer.poll(Duration.ofSeconds(5)));
            assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, e.errorCode());
            assertEquals("UNKNOWN_SERVER_ERROR: scripted UNKNOWN_SERVER_ERROR (t-0)", e.getMessage());
        }
    }

    @Test
    void noneWithoutAPositionFails() {
        try (FjordConsumer consumer = consumer("none", 500)) {
            consumer.assign(List.of(tp));
            NoOffsetForPartitionException e = assertThrows(NoOffsetForPartitionException.class,
                    () -> consumer.poll(Duration.ofMillis(500)));
            assertTrue(e.getMessage().contains("t-0"), e.getMessage());
        }
    }
}
