package io.fjord.client;

import io.fjord.client.testing.FakeBroker;
import io.fjord.proto.v1.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The producer's retry, acks and error-surfacing logic against a scripted test double (not the real broker). */
class ProducerAgainstFakeBrokerTest {
    private FakeBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new FakeBroker();
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private Map<String, Object> config(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", broker.address());
        m.put("linger.ms", 0);
        m.put("retry.backoff.ms", 10);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void sendsAutoCreatesTheTopicAndGetsOffsets() throws Exception {
        try (FjordProducer producer = new FjordProducer(config("linger.ms", 50))) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(producer.send(ProducerRecord.ofStrings("orders", null, "v" + i)));
            }
            producer.flush();
            for (int i = 0; i < 5; i++) {
                RecordMetadata md = futures.get(i).get(5, TimeUnit.SECONDS);
                assertEquals(i, md.offset());
                assertEquals("orders", md.topic());
            }
        }
        assertTrue(broker.metadataRequests.get(0).getAllowAutoTopicCreation());
        assertEquals(1, broker.produceCalls.get(), "five records lingered into one batch");
        assertEquals(5, broker.logEndOffset("orders", 0));
    }

    @Test
    void keyedRecordsGoToTheirMurmur2Partition() throws Exception {
        broker.createTopic("keyed", 6);
        try (FjordProducer producer = new FjordProducer(config())) {
            RecordMetadata md = producer.send(ProducerRecord.ofStrings("keyed", "foobar", "x")).get(5,
                    TimeUnit.SECONDS);
            assertEquals((-790332482 & 0x7fffffff) % 6, md.partition());
            assertEquals(6, producer.partitionsFor("keyed").size());
        }
    }

    @Test
    void retriesNotLeaderAfterRefreshingMetadata() throws Exception {
        broker.createTopic("t", 1);
        broker.produceErrors.add(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        broker.produceErrors.add(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        try (FjordProducer producer = new FjordProducer(config())) {
            producer.partitionsFor("t");
            int metadataBefore = broker.metadataCalls.get();
            RecordMetadata md = producer.send(ProducerRecord.ofStrings("t", null, "x")).get(5, TimeUnit.SECONDS);
            assertEquals(0, md.offset());
            assertEquals(3, broker.produceCalls.get());
            assertTrue(broker.metadataCalls.get() >= metadataBefore + 1, "metadata refreshed before the retry");
        }
    }

    @Test
    void anUnreachableLeaderIsRetriedAfterMetadataMovesLeadership() throws Exception {
        broker.createTopic("t", 1);
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            broker.deadPort = socket.getLocalPort();
        }
        broker.staleLeaderAnswers = 2; // the first lookup and the first refresh still name the dead leader
        try (FjordProducer producer = new FjordProducer(config())) {
            RecordMetadata md = producer.send(ProducerRecord.ofStrings("t", null, "x")).get(10, TimeUnit.SECONDS);
            assertEquals(0, md.offset());
            assertTrue(broker.metadataCalls.get() >= 3, "refreshed until the leader moved");
            assertEquals(1, broker.produceCalls.get(), "only the live leader answered");
        }
    }

    @Test
    void nonRetriableErrorsFailTheRecordWithCodeAndBrokerMessage() throws Exception {
        broker.createTopic("t", 1);
        broker.produceErrors.add(ErrorCode.RECORD_TOO_LARGE);
        AtomicReference<Exception> seen = new AtomicReference<>();
        try (FjordProducer producer = new FjordProducer(config())) {
            Future<RecordMetadata> f = producer.send(ProducerRecord.ofStrings("t", null, "x"),
                    (md, e) -> seen.set(e));
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            FjordException cause = assertInstanceOf(FjordException.class, e.getCause());
            assertEquals(ErrorCode.RECORD_TOO_LARGE, cause.errorCode());
            assertTrue(cause.getMessage().contains("scripted RECORD_TOO_LARGE"), cause.getMessage());
            assertEquals(cause, seen.get());
            assertEquals(1, broker.produceCalls.get(), "not retried");
        }
    }

    @Test
    void aBatchLevelErrorForSeveralBatchesSendsEachAgainAloneSoOnlyTheFaultyOneFails() throws Exception {
        broker.createTopic("t", 1);
        broker.produceErrors.add(ErrorCode.NONE); // the first request: one batch, held while the others queue up
        broker.produceErrors.add(ErrorCode.RECORD_TOO_LARGE); // the second: several batches of partition 0
        CompletableFuture<Void> gate = new CompletableFuture<>();
        broker.produceGate = gate;
        try (FjordProducer producer = new FjordProducer(config("batch.size", 200, "linger.ms", 60_000))) {
            Future<RecordMetadata> first = producer.send(new ProducerRecord("t", 0, null, new byte[150]));
            CompletableFuture<Void> firstFlush = CompletableFuture.runAsync(producer::flush);
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.produceCalls.get() == 1);
            List<Future<RecordMetadata>> sent = new ArrayList<>(List.of(first));
            for (int i = 0; i < 6; i++) { // one record per batch; none sent while the partition's request is held
                sent.add(producer.send(new ProducerRecord("t", 0, null, new byte[150])));
            }
            CompletableFuture<Void> flushed = CompletableFuture.runAsync(producer::flush); // all six ready
            gate.complete(null);
            flushed.get(10, TimeUnit.SECONDS);
            firstFlush.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < sent.size(); i++) {
                assertEquals(i, sent.get(i).get(5, TimeUnit.SECONDS).offset(), "sent alone, each succeeds, in order");
            }
            assertTrue(broker.produceRequests.get(1).getPartitions(0).getRecordBatches().size() > 400,
                    "the second request carried several batches");
            assertEquals(1 + 1 + 6, broker.produceCalls.get(), "then one request per batch");
        }
    }

    @Test
    void retriableErrorsGiveUpAtTheDeliveryTimeout() {
        broker.createTopic("t", 1);
        broker.alwaysProduceError = ErrorCode.NOT_ENOUGH_REPLICAS;
        try (FjordProducer producer = new FjordProducer(config("delivery.timeout.ms", 600,
                "request.timeout.ms", 500, "retry.backoff.ms", 50))) {
            Future<RecordMetadata> f = producer.send(ProducerRecord.ofStrings("t", null, "x"));
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            FjordException cause = assertInstanceOf(FjordException.class, e.getCause());
            assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, cause.errorCode());
            assertTrue(broker.produceCalls.get() > 2, "retried until the deadline: " + broker.produceCalls.get());
        }
    }

    @Test
    void acksZeroCompletesWithoutAnOffset() throws Exception {
        broker.createTopic("t", 1);
        try (FjordProducer producer = new FjordProducer(config("acks", "0"))) {
            RecordMetadata md = producer.send(ProducerRecord.ofStrings("t", null, "x")).get(5, TimeUnit.SECONDS);
            assertEquals(-1, md.offset());
        }
        assertEquals(0, broker.produceRequests.get(0).getAcks());
    }

    @Test
    void anExplicitPartitionOutOfRangeFailsTheFuture() {
        broker.createTopic("t", 2);
        try (FjordProducer producer = new FjordProducer(config())) {
            Future<RecordMetadata> f = producer.send(new ProducerRecord("t", 5, null, new byte[1]));
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ((FjordException) e.getCause()).errorCode());
        }
    }

    /** Counts acknowledgements; configured by class name. */
    public static final class CountingInterceptor implements ProducerInterceptor {
        static final AtomicInteger SENDS = new AtomicInteger();
        static final AtomicInteger ACKS = new AtomicInteger();

        @Override
        public ProducerRecord onSend(ProducerRecord record) {
            SENDS.incrementAndGet();
            return new ProducerRecord(record.topic(), record.partition(), record.timestamp(), record.key(),
                    "intercepted".getBytes(), record.headers());
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
            ACKS.incrementAndGet();
        }
    }

    @Test
    void interceptorsSeeSendsAndAcknowledgements() throws Exception {
        broker.createTopic("t", 1);
        try (FjordProducer producer = new FjordProducer(config("interceptor.classes",
                CountingInterceptor.class.getName()))) {
            producer.send(ProducerRecord.ofStrings("t", null, "x")).get(5, TimeUnit.SECONDS);
        }
        assertEquals(1, CountingInterceptor.SENDS.get());
        assertEquals(1, CountingInterceptor.ACKS.get());
        try (FjordConsumer consumer = new FjordConsumer(Map.of("bootstrap.servers", broker.address(),
                "auto.offset.reset", "earliest"))) {
            consumer.assign(List.of(new TopicPartition("t", 0)));
            assertEquals("intercepted", consumer.poll(java.time.Duration.ofSeconds(5)).iterator().next()
                    .valueAsString());
        }
    }

    public static final class CloseCountingInterceptor implements ProducerInterceptor {
        static final AtomicInteger CLOSES = new AtomicInteger();

        @Override
        public ProducerRecord onSend(ProducerRecord record) {
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        }

        @Override
        public void close() {
            CLOSES.incrementAndGet();
        }
    }

    @Test
    void closingFromACallbackFailsWhatIsLeftAndStillReleasesEverything() throws Exception {
        broker.createTopic("t", 1);
        CloseCountingInterceptor.CLOSES.set(0);
        FjordProducer producer = new FjordProducer(config("interceptor.classes",
                CloseCountingInterceptor.class.getName(), "client.id", "closes-from-callback"));
        java.util.concurrent.atomic.AtomicReference<Exception> flushInCallback =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread io = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("fjord-producer-network-thread | closes-from-callback"))
                .findFirst().orElseThrow();
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        producer.send(ProducerRecord.ofStrings("t", null, "first"), (md, e) -> {
            try {
                producer.flush();
            } catch (IllegalStateException refused) {
                flushInCallback.set(refused); // it would wait for this very batch
            }
            producer.close(); // the batch completing keeps the I/O thread waiting: close must not wait for it
            closed.complete(null);
        }).get(5, TimeUnit.SECONDS);
        closed.get(5, TimeUnit.SECONDS);
        io.join(5_000);
        assertFalse(io.isAlive(), "the I/O thread ends");
        assertEquals(1, CloseCountingInterceptor.CLOSES.get(), "interceptors (and connections) are released");
        assertTrue(flushInCallback.get() != null, "flush() from a callback is refused, not a deadlock");
        producer.close(); // a second close, after the I/O thread ended, returns and releases nothing twice
        assertEquals(1, CloseCountingInterceptor.CLOSES.get());
        assertThrows(IllegalStateException.class, () -> producer.send(ProducerRecord.ofStrings("t", null, "late")));
    }

    @Test
    void callbacksOfOnePartitionRunInSendOrderOnTheIoThread() throws Exception {
        broker.createTopic("t", 1);
        List<Long> offsets = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (FjordProducer producer = new FjordProducer(config("batch.size", 256, "client.id", "ordered"))) {
            for (int i = 0; i < 1000; i++) {
                producer.send(ProducerRecord.ofStrings("t", null, "v" + i), (md, e) -> {
                    offsets.add(md.offset());
                    threads.add(Thread.currentThread().getName());
                });
            }
            producer.flush();
        }
        assertEquals(1000, offsets.size());
        for (int i = 0; i < offsets.size(); i++) {
            assertEquals(i, offsets.get(i), "callback " + i + " out of send order");
        }
        assertEquals(java.util.Set.of("fjord-producer-network-thread | ordered"), threads);
    }

    @Test
    void batchesQueuedBehindAHungRequestExpireAtTheDeliveryTimeoutInsteadOfBeingSent() throws Exception {
        broker.createTopic("t", 1);
        broker.produceDelayMs = 2_500; // every request ends at its deadline
        List<java.util.concurrent.CompletableFuture<Exception>> outcomes = new java.util.ArrayList<>();
        long startMs = System.currentTimeMillis();
        try (FjordProducer producer = new FjordProducer(config("request.timeout.ms", 400, "delivery.timeout.ms", 400,
                "retries", 0, "batch.size", 200, "max.request.size", 450))) {
            for (int i = 0; i < 12; i++) { // about a dozen 200-byte batches: several requests' worth
                java.util.concurrent.CompletableFuture<Exception> outcome = new java.util.concurrent.CompletableFuture<>();
                outcomes.add(outcome);
                producer.send(new ProducerRecord("t", null, new byte[150]), (md, e) -> outcome.complete(e));
            }
            for (java.util.concurrent.CompletableFuture<Exception> outcome : outcomes) {
                assertTrue(outcome.get(10, TimeUnit.SECONDS) != null, "nothing is acknowledged");
            }
        }
        long elapsedMs = System.currentTimeMillis() - startMs;
        // the first request ends at ~400 ms; everything behind it is past delivery.timeout.ms by then and expires
        // in the next round, instead of going out request after request (~400 ms each)
        assertTrue(elapsedMs < 2_000, "all records failed within " + elapsedMs + " ms");
        Exception last = outcomes.get(outcomes.size() - 1).get();
        assertTrue(last.getMessage().contains("delivery.timeout.ms"), "expired, not sent: " + last);
    }

    @Test
    void waitingForAFutureInsideACallbackIsRefused() throws Exception {
        broker.createTopic("t", 1);
        try (FjordProducer producer = new FjordProducer(config())) {
            java.util.concurrent.CompletableFuture<Exception> refused = new java.util.concurrent.CompletableFuture<>();
            producer.send(ProducerRecord.ofStrings("t", null, "a"), (md, e) -> {
                try {
                    producer.send(ProducerRecord.ofStrings("t", null, "b")).get();
                    refused.complete(null);
                } catch (Exception waiting) {
                    refused.complete(waiting);
                }
            });
            assertInstanceOf(IllegalStateException.class, refused.get(10, TimeUnit.SECONDS));
        }
    }
}
