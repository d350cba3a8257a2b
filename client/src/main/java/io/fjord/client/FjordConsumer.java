package io.fjord.client;

import io.fjord.client.internal.ChannelPool;
import io.fjord.client.internal.ConfigDef;
import io.fjord.client.internal.FetchSettings;
import io.fjord.client.internal.Fetcher;
import io.fjord.client.internal.Metadata;
import io.fjord.client.internal.OffsetLister;
import io.fjord.client.internal.SubscriptionState;
import io.fjord.client.internal.SubscriptionState.ResetStrategy;
import io.fjord.proto.v1.OffsetSpec;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads records from manually assigned partitions, as Kafka's {@code KafkaConsumer} with {@code assign}: each
 * partition is fetched from its leader from the consumer's position, which starts from {@link #seek} or, without
 * one, from {@code auto.offset.reset} (earliest, latest, or none: fail). Group membership ({@code subscribe}) is
 * not here yet.
 *
 * <p>{@link #poll} returns what has arrived, up to {@code max.poll.records}, and sends the next fetches before
 * returning, so they travel while you process the records.
 *
 * <p>Not thread-safe, like Kafka's: use one consumer per thread.
 */
public final class FjordConsumer implements AutoCloseable {
    private final ConsumerConfig config;
    private final ChannelPool channels = new ChannelPool();
    private final Metadata metadata;
    private final SubscriptionState subscriptions;
    private final Fetcher fetcher;
    private final OffsetLister offsets;
    private long metadataBackoffUntilMs;

    public FjordConsumer(Properties properties) {
        this(ConfigDef.toMap(properties));
    }

    public FjordConsumer(Map<String, ?> configs) {
        this.config = new ConsumerConfig(configs);
        this.metadata = new Metadata(config.bootstrapServers(), channels, config.requestTimeoutMs(),
                config.metadataMaxAgeMs(), false);
        this.subscriptions = new SubscriptionState(SubscriptionState.parse(config.autoOffsetReset()));
        this.fetcher = new Fetcher(FetchSettings.from(config), metadata, channels, subscriptions);
        this.offsets = new OffsetLister(metadata, channels, config.requestTimeoutMs(), config.retryBackoffMs());
    }

    /** Replaces the set of partitions this consumer reads. Positions of partitions kept are kept. */
    public void assign(Collection<TopicPartition> partitions) {
        Set<TopicPartition> old = new HashSet<>(subscriptions.assigned());
        subscriptions.assign(partitions);
        for (TopicPartition tp : old) {
            if (!subscriptions.isAssigned(tp)) {
                fetcher.clearBuffered(tp);
            }
        }
        Set<String> topics = new HashSet<>();
        partitions.forEach(tp -> topics.add(tp.topic()));
        try {
            metadata.refresh(topics, System.currentTimeMillis());
        } catch (FjordException e) {
            metadata.requestUpdate(); // poll tries again
        }
    }

    public Set<TopicPartition> assignment() {
        return Set.copyOf(subscriptions.assigned());
    }

    /** The topic's partitions, waiting up to {@code default.api.timeout.ms} for metadata. */
    public List<PartitionInfo> partitionsFor(String topic) {
        return metadata.awaitPartitions(topic, config.defaultApiTimeoutMs(), config.retryBackoffMs());
    }

    /** The next poll reads {@code partition} from {@code offset}. */
    public void seek(TopicPartition partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        subscriptions.seek(partition, offset);
        fetcher.clearBuffered(partition);
    }

    public void seekToBeginning(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions.isEmpty() ? subscriptions.assigned() : partitions) {
            subscriptions.requestReset(tp, ResetStrategy.EARLIEST);
            fetcher.clearBuffered(tp);
        }
    }

    public void seekToEnd(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions.isEmpty() ? subscriptions.assigned() : partitions) {
            subscriptions.requestReset(tp, ResetStrategy.LATEST);
            fetcher.clearBuffered(tp);
        }
    }

    /** The offset of the next record poll returns for {@code partition} (looking it up if needed). */
    public long position(TopicPartition partition) {
        Long position = subscriptions.position(partition);
        if (position == null) {
            resetPositions(config.defaultApiTimeoutMs());
            position = subscriptions.position(partition);
        }
        return position;
    }

    /**
     * Waits up to {@code timeout} for records and returns those that arrived (possibly none). Throws a
     * {@link FjordException} for non-retriable errors (e.g. {@link NoOffsetForPartitionException}, CORRUPT_MESSAGE).
     */
    public ConsumerRecords poll(Duration timeout) {
        long deadlineMs = System.currentTimeMillis() + timeout.toMillis();
        do {
            long nowMs = System.currentTimeMillis();
            maybeRefreshMetadata(nowMs);
            resetPositionsQuietly(Math.max(1, deadlineMs - nowMs));
            Map<TopicPartition, List<ConsumerRecord>> records = fetcher.collect(config.maxPollRecords(), nowMs);
            fetcher.sendFetches(nowMs);
            if (!records.isEmpty()) {
                return new ConsumerRecords(records);
            }
            long waitMs = Math.min(deadlineMs - System.currentTimeMillis(), fetcher.hasInFlight()
                    ? Long.MAX_VALUE : config.retryBackoffMs());
            try {
                fetcher.awaitAnswer(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FjordException("interrupted in poll");
            }
        } while (System.currentTimeMillis() < deadlineMs);
        return ConsumerRecords.EMPTY;
    }

    private void maybeRefreshMetadata(long nowMs) {
        if (nowMs < metadataBackoffUntilMs || metadata.timeToNextUpdateMs(nowMs) > 0) {
            return;
        }
        try {
            metadata.refresh(List.of(), nowMs);
        } catch (FjordException e) {
            if (!e.isRetriable()) {
                throw e;
            }
            metadata.requestUpdate();
            metadataBackoffUntilMs = nowMs + config.retryBackoffMs();
        }
    }

    private void resetPositionsQuietly(long timeoutMs) {
        try {
            resetPositions(Math.min(timeoutMs, config.requestTimeoutMs()));
        } catch (FjordException e) {
            if (!e.isRetriable()) {
                throw e;
            }
        }
    }

    private void resetPositions(long timeoutMs) {
        Map<TopicPartition, OffsetLister.Query> queries = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, ResetStrategy> e : subscriptions.partitionsNeedingReset().entrySet()) {
            switch (e.getValue()) {
                case EARLIEST:
                    queries.put(e.getKey(), new OffsetLister.Query(OffsetSpec.OFFSET_SPEC_EARLIEST, 0));
                    break;
                case LATEST:
                    queries.put(e.getKey(), new OffsetLister.Query(OffsetSpec.OFFSET_SPEC_LATEST, 0));
                    break;
                default:
                    throw new NoOffsetForPartitionException(e.getKey(), "no committed or seeked offset");
            }
        }
        if (queries.isEmpty()) {
            return;
        }
        offsets.list(queries, timeoutMs).forEach((tp, result) -> {
            if (subscriptions.isAssigned(tp)) {
                subscriptions.seek(tp, result.offset());
            }
        });
    }

    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return listOffsets(partitions, OffsetSpec.OFFSET_SPEC_EARLIEST);
    }

    /** The high watermarks: where a consumer starting "at the end" begins. */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return listOffsets(partitions, OffsetSpec.OFFSET_SPEC_LATEST);
    }

    /** Per partition, the first record at or after the timestamp, or null when there is none that recent. */
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch) {
        Map<TopicPartition, OffsetLister.Query> queries = new LinkedHashMap<>();
        timestampsToSearch.forEach((tp, ts) -> queries.put(tp,
                new OffsetLister.Query(OffsetSpec.OFFSET_SPEC_TIMESTAMP, ts)));
        Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
        ensureMetadata(timestampsToSearch.keySet());
        offsets.list(queries, config.defaultApiTimeoutMs()).forEach((tp, r) ->
                out.put(tp, r.offset() < 0 ? null : new OffsetAndTimestamp(r.offset(), r.timestampMs())));
        return out;
    }

    private Map<TopicPartition, Long> listOffsets(Collection<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetLister.Query> queries = new LinkedHashMap<>();
        partitions.forEach(tp -> queries.put(tp, new OffsetLister.Query(spec, 0)));
        ensureMetadata(partitions);
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.list(queries, config.defaultApiTimeoutMs()).forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
    }

    private void ensureMetadata(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (metadata.snapshot().partitionsFor(tp.topic()) == null) {
                metadata.awaitPartitions(tp.topic(), config.defaultApiTimeoutMs(), config.retryBackoffMs());
            }
        }
    }

    @Override
    public void close() {
        channels.closeNow(); // a fetch in flight, maybe long-polling for fetch.max.wait.ms, is not waited for
    }
}
