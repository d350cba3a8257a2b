package io.fjord.client;

import io.fjord.client.internal.BufferMemory;
import io.fjord.client.internal.ChannelPool;
import io.fjord.client.internal.ConfigDef;
import io.fjord.client.internal.DefaultPartitioner;
import io.fjord.client.internal.Metadata;
import io.fjord.client.internal.Plugins;
import io.fjord.client.internal.ProducerSettings;
import io.fjord.client.internal.RecordAccumulator;
import io.fjord.client.internal.Sender;
import io.fjord.proto.record.Header;
import io.fjord.proto.record.RecordBatchBuilder;
import io.fjord.proto.v1.ErrorCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends records to Fjord, as Kafka's {@code KafkaProducer} does: {@link #send} appends to a per-partition batch and
 * returns at once; a background thread sends batches once full ({@code batch.size}) or after {@code linger.ms},
 * one request per leader broker, and retries retriable errors within {@code delivery.timeout.ms}.
 *
 * <pre>{@code
 * try (FjordProducer producer = new FjordProducer(Map.of("bootstrap.servers", "localhost:9092", "acks", "all"))) {
 *     producer.send(ProducerRecord.ofStrings("orders", "k1", "v1"), (md, e) -> { ... });
 * }
 * }</pre>
 *
 * <p><b>Ordering.</b> Records of one partition are appended in {@code send} order, retries included: unlike
 * Kafka (where requests on one TCP connection are handled in order), separate gRPC calls may be handled
 * concurrently, so the producer keeps at most one batch per partition in flight, and a retried batch goes first.
 * {@code max.in.flight.requests.per.connection} bounds the concurrent requests per broker (for different
 * partitions). Without idempotence (not yet supported) a retry after a lost answer may still write a duplicate.
 *
 * <p><b>Callbacks</b> (and {@link ProducerInterceptor#onAcknowledgement}) run on the producer's I/O thread, those of
 * one partition's records in {@code send} order (as in Kafka); keep them short. With {@code acks=0} futures complete
 * as the request is sent, with offset -1. {@link #close()} from a callback does not wait: it fails what is not yet
 * acknowledged, as Kafka's {@code close(Duration.ZERO)}.
 *
 * <p>Thread-safe: share one producer among threads.
 */
public final class FjordProducer implements AutoCloseable {
    private static final Header[] NO_HEADERS = new Header[0];

    private final ProducerConfig config;
    private final ProducerSettings settings;
    private final ChannelPool channels = new ChannelPool();
    private final Metadata metadata;
    private final RecordAccumulator accumulator;
    private final Sender sender;
    private final Thread ioThread;
    private final Partitioner partitioner;
    private final List<ProducerInterceptor> interceptors = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closedFromCallback;

    public FjordProducer(Properties properties) {
        this(ConfigDef.toMap(properties));
    }

    public FjordProducer(Map<String, ?> configs) {
        this.config = new ProducerConfig(configs);
        this.partitioner = config.partitionerClass() == null ? new DefaultPartitioner()
                : Plugins.newInstance(ProducerConfig.PARTITIONER_CLASS, config.partitionerClass(), Partitioner.class);
        partitioner.configure(configs);
        for (String name : config.interceptorClasses()) {
            ProducerInterceptor interceptor = Plugins.newInstance(ProducerConfig.INTERCEPTOR_CLASSES, name,
                    ProducerInterceptor.class);
            interceptor.configure(configs);
            interceptors.add(interceptor);
        }
        this.metadata = new Metadata(config.bootstrapServers(), channels, config.requestTimeoutMs(),
                config.metadataMaxAgeMs(), true);
        this.accumulator = new RecordAccumulator(config.batchSizeBytes(), config.lingerMs(),
                config.retryBackoffMs(), config.deliveryTimeoutMs(), config.compressionType(),
                new BufferMemory(config.bufferMemoryBytes(), config.batchSizeBytes()));
        this.settings = ProducerSettings.from(config);
        this.sender = new Sender(settings, accumulator, metadata, channels);
        this.ioThread = new Thread(() -> {
            try {
                sender.run();
            } finally {
                if (closedFromCallback) {
                    releaseResources(); // close() returned at once: nobody else will
                }
            }
        }, "fjord-producer-network-thread | " + config.clientId());
        ioThread.setDaemon(true);
        ioThread.start();
    }

    public Future<RecordMetadata> send(ProducerRecord record) {
        return send(record, null);
    }

    /**
     * Queues the record and returns a future completed when it is acknowledged (or fails). Blocks only to fetch
     * metadata for a topic seen for the first time, or while {@code buffer.memory} is full, each up to
     * {@code max.block.ms}. Failures are reported through the future and the callback (not thrown), except for
     * calling this after {@link #close()}.
     */
    public Future<RecordMetadata> send(ProducerRecord record, Callback callback) {
        if (closed.get()) {
            throw new IllegalStateException("cannot send after the producer is closed");
        }
        ProducerRecord intercepted = onSend(record);
        Callback completion = interceptors.isEmpty() ? callback : (md, e) -> {
            onAcknowledgement(md, e);
            if (callback != null) {
                callback.onCompletion(md, e);
            }
        };
        try {
            return doSend(intercepted, completion);
        } catch (FjordException e) {
            RecordMetadata md = new RecordMetadata(intercepted.topic(),
                    intercepted.partition() == null ? -1 : intercepted.partition(), -1, -1, -1, -1);
            if (completion != null) {
                completion.onCompletion(md, e);
            }
            return CompletableFuture.failedFuture(e);
        }
    }

    private Future<RecordMetadata> doSend(ProducerRecord record, Callback callback) {
        List<PartitionInfo> partitions = metadata.awaitPartitions(record.topic(), settings.maxBlockMs(),
                settings.retryBackoffMs());
        Header[] headers = record.headers().isEmpty() ? NO_HEADERS : record.headers().toArray(new Header[0]);
        int sizeBytes = io.fjord.proto.record.RecordBatch.HEADER_SIZE_BYTES
                + RecordBatchBuilder.recordSizeUpperBound(record.key(), record.value(), headers);
        if (sizeBytes > settings.maxRequestSizeBytes() || sizeBytes > settings.bufferMemoryBytes()) {
            throw new FjordException(ErrorCode.RECORD_TOO_LARGE, "the record is " + sizeBytes
                    + " bytes when serialized, larger than max.request.size=" + settings.maxRequestSizeBytes()
                    + " or buffer.memory=" + settings.bufferMemoryBytes());
        }
        long nowMs = System.currentTimeMillis();
        long timestampMs = record.timestamp() == null ? nowMs : record.timestamp();
        boolean explicit = record.partition() != null;
        int partition = explicit ? record.partition()
                : partitioner.partition(record.topic(), record.key(), record.value(), partitions);
        if (partition < 0 || partition >= partitions.size()) {
            throw new FjordException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "partition " + partition
                    + " does not exist: topic " + record.topic() + " has " + partitions.size() + " partitions");
        }
        TopicPartition tp = new TopicPartition(record.topic(), partition);
        RecordAccumulator.AppendResult result = accumulator.append(tp, timestampMs, record.key(), record.value(),
                headers, callback, settings.maxBlockMs(), !explicit, nowMs);
        if (result.future() == null) {
            partitioner.onNewBatch(record.topic(), partitions, partition);
            partition = partitioner.partition(record.topic(), record.key(), record.value(), partitions);
            tp = new TopicPartition(record.topic(), partition);
            result = accumulator.append(tp, timestampMs, record.key(), record.value(), headers, callback,
                    settings.maxBlockMs(), false, nowMs);
        }
        // a muted partition (a request of it in flight) cannot send now; its answer wakes the sender anyway
        if ((result.batchIsFull() || result.newBatchCreated()) && !accumulator.isMuted(tp)) {
            sender.wakeup();
        }
        return result.future();
    }

    private ProducerRecord onSend(ProducerRecord record) {
        ProducerRecord current = record;
        for (ProducerInterceptor interceptor : interceptors) {
            try {
                ProducerRecord next = interceptor.onSend(current);
                if (next != null) {
                    current = next;
                }
            } catch (RuntimeException ignored) {
                // documented: a failing interceptor is skipped
            }
        }
        return current;
    }

    private void onAcknowledgement(RecordMetadata md, Exception e) {
        for (ProducerInterceptor interceptor : interceptors) {
            try {
                interceptor.onAcknowledgement(md, e);
            } catch (RuntimeException ignored) {
                // documented: a failing interceptor is skipped
            }
        }
    }

    /** Sends everything queued now without waiting for {@code linger.ms}, and waits until all of it completed. */
    public void flush() {
        if (accumulator.inCallback()) {
            throw new IllegalStateException("flush() from a callback would wait for that callback's own batch;"
                    + " as in Kafka, it is not allowed there");
        }
        accumulator.beginFlush();
        sender.wakeup();
        try {
            accumulator.awaitFlushCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FjordException("interrupted while flushing");
        }
    }

    /** The topic's partitions (fetching metadata first if needed, up to {@code max.block.ms}). */
    public List<PartitionInfo> partitionsFor(String topic) {
        return metadata.awaitPartitions(topic, settings.maxBlockMs(), settings.retryBackoffMs());
    }

    /** Sends what is queued, waits for it (up to {@code delivery.timeout.ms}), then releases connections. */
    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /** As {@link #close()}, but after {@code timeout} fails what is still queued or in flight. */
    public void close(Duration timeout) {
        boolean first = closed.compareAndSet(false, true);
        if (accumulator.inCallback()) {
            // from a callback: the batch being completed keeps the I/O thread waiting, so this cannot wait for it;
            // it fails what is left and stops (Kafka's rule: close from a callback is close(Duration.ZERO)), and
            // the I/O thread releases connections as it ends
            if (first) {
                closedFromCallback = true;
                sender.initiateClose(true);
            }
            return;
        }
        try {
            if (!first) { // closing already: wait as long as asked, then force it (as Kafka's close(timeout))
                ioThread.join(Math.max(1, Math.min(timeout.toMillis(), Long.MAX_VALUE / 2)));
                if (ioThread.isAlive()) {
                    sender.initiateClose(true);
                }
                return;
            }
            sender.initiateClose(timeout.isZero());
            ioThread.join(Math.max(1, Math.min(timeout.toMillis(), Long.MAX_VALUE / 2)));
            if (ioThread.isAlive()) {
                sender.initiateClose(true);
                ioThread.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (first) {
            releaseResources();
        }
    }

    private void releaseResources() {
        for (ProducerInterceptor interceptor : interceptors) {
            interceptor.close();
        }
        partitioner.close();
        channels.close();
    }
}
