package io.fjord.client.internal;

import io.fjord.client.Node;
import io.fjord.client.RecordMetadata;
import io.fjord.client.TimeoutException;
import io.fjord.client.TopicPartition;
import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.Header;
import io.fjord.proto.record.RecordBatch;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readiness, draining, retry and expiry of batches, driven by explicit {@code nowMs} (no clock, no sockets). */
class RecordAccumulatorTest {
    private static final Header[] NO_HEADERS = new Header[0];
    private final Node node1 = new Node(1, "a", 1, null);
    private final Node node2 = new Node(2, "b", 2, null);
    private final TopicPartition tp0 = new TopicPartition("t", 0);
    private final TopicPartition tp1 = new TopicPartition("t", 1);
    private final Function<TopicPartition, Node> leaders = tp -> tp.partition() == 0 ? node1 : node2;

    private RecordAccumulator accumulator(int batchSizeBytes, long lingerMs) {
        return new RecordAccumulator(batchSizeBytes, lingerMs, 100, 10_000, CompressionType.NONE,
                new BufferMemory(1024 * 1024, batchSizeBytes));
    }

    private static Future<RecordMetadata> append(RecordAccumulator acc, TopicPartition tp, int valueBytes,
                                                           long nowMs) {
        return acc.append(tp, nowMs, null, new byte[valueBytes], NO_HEADERS, null, 1000, false, nowMs).future();
    }

    @Test
    void aBatchBecomesReadyAfterLinger() {
        RecordAccumulator acc = accumulator(16384, 50);
        append(acc, tp0, 10, 1000);
        RecordAccumulator.ReadyCheckResult early = acc.ready(leaders, 1020);
        assertTrue(early.readyNodes().isEmpty());
        assertEquals(30, early.nextReadyCheckDelayMs());
        assertEquals(Set.of(node1), acc.ready(leaders, 1050).readyNodes());
    }

    @Test
    void aFullBatchIsReadyAtOnceAndTheNextRecordStartsANewBatch() {
        RecordAccumulator acc = accumulator(200, 60_000);
        RecordAccumulator.AppendResult first = acc.append(tp0, 0, null, new byte[150], NO_HEADERS, null, 1000,
                false, 0);
        assertTrue(first.newBatchCreated());
        RecordAccumulator.AppendResult second = acc.append(tp0, 0, null, new byte[150], NO_HEADERS, null, 1000,
                false, 0);
        assertTrue(second.newBatchCreated(), "150 more bytes do not fit in batch.size=200");
        assertTrue(second.batchIsFull());
        assertEquals(Set.of(node1), acc.ready(leaders, 0).readyNodes());
        Map<Node, List<ProducerBatch>> drained = acc.drain(leaders, Set.of(node1), 1 << 20, 0);
        assertEquals(2, drained.get(node1).size(), "full batches of a partition travel together, in order");
        assertFalse(acc.hasUndrained());
    }

    @Test
    void theBatchStillFillingStaysUntilItLingered() {
        RecordAccumulator acc = accumulator(400, 60_000);
        acc.append(tp0, 0, null, new byte[360], NO_HEADERS, null, 1000, false, 0);
        RecordAccumulator.AppendResult second = acc.append(tp0, 0, null, new byte[10], NO_HEADERS, null, 1000,
                false, 0);
        assertTrue(second.newBatchCreated(), "360 + 10 bytes do not fit in 400 with the batch overhead");
        Map<Node, List<ProducerBatch>> drained = acc.drain(leaders, Set.of(node1), 1 << 20, 0);
        assertEquals(1, drained.get(node1).size(), "the full batch goes; the one still filling waits");
        assertTrue(acc.hasUndrained());
        assertEquals(1, acc.drain(leaders, Set.of(node1), 1 << 20, 60_000).get(node1).size(), "after linger.ms");
    }

    @Test
    void abortOnNewBatchLetsTheStickyPartitionerMoveOn() {
        RecordAccumulator acc = accumulator(16384, 0);
        RecordAccumulator.AppendResult aborted = acc.append(tp0, 0, null, new byte[1], NO_HEADERS, null, 1000,
                true, 0);
        assertEquals(null, aborted.future());
        assertFalse(acc.hasUndrained());
    }

    @Test
    void drainGroupsByLeaderAndRespectsMaxRequestSize() {
        RecordAccumulator acc = accumulator(16384, 0);
        append(acc, tp0, 1000, 0);
        append(acc, tp1, 1000, 0);
        RecordAccumulator.ReadyCheckResult ready = acc.ready(leaders, 0);
        assertEquals(Set.of(node1, node2), ready.readyNodes());
        Map<Node, List<ProducerBatch>> drained = acc.drain(leaders, Set.of(node1), 1 << 20, 0);
        assertEquals(Set.of(node1), drained.keySet());
        assertEquals(tp0, drained.get(node1).get(0).topicPartition());

        // both partitions on one leader, but a request holds only ~one batch: the second waits for the next request
        Function<TopicPartition, Node> oneLeader = tp -> node1;
        RecordAccumulator acc2 = accumulator(16384, 0);
        append(acc2, tp0, 1000, 0);
        append(acc2, tp1, 1000, 0);
        assertEquals(1, acc2.drain(oneLeader, Set.of(node1), 1500, 0).get(node1).size());
        assertEquals(1, acc2.drain(oneLeader, Set.of(node1), 1500, 0).get(node1).size());
    }

    @Test
    void drainedBatchesAreValidRecordBatches() {
        RecordAccumulator acc = accumulator(16384, 0);
        append(acc, tp0, 5, 0);
        append(acc, tp0, 7, 0);
        ProducerBatch batch = acc.drain(leaders, Set.of(node1), 1 << 20, 0).get(node1).get(0);
        ByteBuffer bytes = batch.close();
        RecordBatch rb = new RecordBatch(bytes, 0);
        rb.ensureValid();
        assertEquals(2, rb.recordCount());
    }

    @Test
    void unknownLeadersAreReportedForAMetadataRefresh() {
        RecordAccumulator acc = accumulator(16384, 0);
        append(acc, new TopicPartition("other", 0), 1, 0);
        RecordAccumulator.ReadyCheckResult ready = acc.ready(tp -> null, 0);
        assertTrue(ready.readyNodes().isEmpty());
        assertEquals(Set.of("other"), ready.unknownLeaderTopics());
    }

    @Test
    void aReenqueuedBatchWaitsForTheBackoffAndGoesFirst() {
        RecordAccumulator acc = accumulator(16384, 0);
        append(acc, tp0, 1, 0);
        ProducerBatch batch = acc.drain(leaders, Set.of(node1), 1 << 20, 0).get(node1).get(0);
        batch.attempts = 1;
        append(acc, tp0, 1, 10); // a later batch for the same partition
        acc.reenqueue(batch, 10);
        RecordAccumulator.ReadyCheckResult backingOff = acc.ready(leaders, 50);
        assertTrue(backingOff.readyNodes().isEmpty(), "the head batch is backing off; the later one must wait");
        assertEquals(60, backingOff.nextReadyCheckDelayMs());
        assertEquals(Set.of(node1), acc.ready(leaders, 110).readyNodes());
        assertEquals(batch, acc.drain(leaders, Set.of(node1), 1 << 20, 110).get(node1).get(0));
    }

    @Test
    void batchesPastDeliveryTimeoutExpire() {
        RecordAccumulator acc = accumulator(16384, 0);
        append(acc, tp0, 1, 0);
        assertTrue(acc.expiredBatches(9_999).isEmpty());
        assertEquals(1, acc.expiredBatches(10_000).size());
        assertFalse(acc.hasUndrained());
    }

    @Test
    void completionFillsOffsetsAndFlushWaitsForIt() throws Exception {
        RecordAccumulator acc = accumulator(16384, 60_000);
        Future<RecordMetadata> f0 = append(acc, tp0, 1, 0);
        Future<RecordMetadata> f1 = append(acc, tp0, 1, 0);
        acc.beginFlush();
        assertEquals(Set.of(node1), acc.ready(leaders, 0).readyNodes(), "a flush does not wait for linger.ms");
        ProducerBatch batch = acc.drain(leaders, Set.of(node1), 1 << 20, 0).get(node1).get(0);
        batch.complete(40, -1);
        acc.deallocate(batch);
        acc.awaitFlushCompletion();
        assertEquals(40, f0.get().offset());
        assertEquals(41, f1.get().offset());
        assertFalse(acc.hasIncomplete());
    }

    @Test
    void failingABatchFailsEveryRecordOnce() {
        RecordAccumulator acc = accumulator(16384, 0);
        int[] callbacks = {0};
        Future<RecordMetadata> f = acc.append(tp0, 0, null, new byte[1], NO_HEADERS,
                (md, e) -> callbacks[0]++, 1000, false, 0).future();
        ProducerBatch batch = acc.drain(leaders, Set.of(node1), 1 << 20, 0).get(node1).get(0);
        batch.fail(new TimeoutException("boom"));
        batch.complete(1, -1); // a late answer after a forced failure is ignored
        assertEquals(1, callbacks[0]);
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertInstanceOf(TimeoutException.class, e.getCause());
    }

    @Test
    void fullBufferMemoryBlocksThenTimesOut() {
        RecordAccumulator acc = new RecordAccumulator(1000, 0, 100, 10_000, CompressionType.NONE,
                new BufferMemory(1500, 1000));
        append(acc, tp0, 1, 0);
        assertThrows(TimeoutException.class, () -> acc.append(tp1, 0, null, new byte[1], NO_HEADERS, null, 20,
                false, 0));
    }

    @Test
    void aDoneBatchBufferIsReusedAndTheNextBatchIsIntact() {
        BufferMemory memory = new BufferMemory(1024 * 1024, 4096);
        RecordAccumulator acc = new RecordAccumulator(4096, 0, 100, 10_000, CompressionType.NONE, memory);
        acc.append(tp0, 0, null, new byte[]{1, 2, 3}, NO_HEADERS, null, 1000, false, 0);
        ProducerBatch first = acc.drain(leaders, Set.of(node1), 1 << 20, 0).get(node1).get(0);
        ByteBuffer firstBuffer = first.buffer();
        first.complete(0, -1);
        acc.deallocate(first);
        assertEquals(1, memory.pooledBuffers());
        assertEquals(0, memory.usedBytes());

        acc.append(tp0, 7, "k".getBytes(), new byte[]{9}, NO_HEADERS, null, 1000, false, 7);
        ProducerBatch second = acc.drain(leaders, Set.of(node1), 1 << 20, 7).get(node1).get(0);
        assertTrue(second.buffer() == firstBuffer, "the freed batch.size buffer is handed out again");
        RecordBatch batch = new RecordBatch(second.close(), 0);
        batch.ensureValid();
        batch.validateRecords();
        var records = batch.records();
        assertEquals(1, records.size());
        assertArrayEquals(new byte[]{9}, records.get(0).value());
        assertEquals(7, records.get(0).timestamp());
    }

    @Test
    void aRecordLargerThanBatchSizeGetsItsOwnBufferWhichIsNotPooled() {
        BufferMemory memory = new BufferMemory(1024 * 1024, 1024);
        RecordAccumulator acc = new RecordAccumulator(1024, 0, 100, 10_000, CompressionType.NONE, memory);
        acc.append(tp0, 0, null, new byte[5000], NO_HEADERS, null, 1000, false, 0);
        ProducerBatch big = acc.drain(leaders, Set.of(node1), 1 << 20, 0).get(node1).get(0);
        assertTrue(big.buffer().capacity() > 5000);
        assertEquals(5000, new RecordBatch(big.close(), 0).records().get(0).value().length);
        big.complete(0, -1);
        acc.deallocate(big);
        assertEquals(0, memory.pooledBuffers());
        assertEquals(0, memory.usedBytes());
    }
}
