package io.fjord.quorum.metadata;

import io.fjord.proto.internal.v1.MetadataRecord;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The cluster metadata at one point of the metadata log: brokers, topics with their partitions, topic configuration
 * overrides, and the next free producer id. Immutable: {@link #apply} returns a new image (sharing what did not
 * change), so readers on other threads always see a consistent whole. Built by applying records in log order, on the
 * active controller, on standby controllers and on every broker alike.
 *
 * @param endOffset       the metadata log offset after the last applied entry (0 for the empty image)
 * @param lastBrokerEpoch the highest broker epoch handed out so far
 */
public record MetadataImage(long endOffset, SortedMap<Integer, BrokerRegistration> brokers,
                            SortedMap<String, TopicImage> topics, Map<UUID, String> topicNames,
                            SortedMap<String, SortedMap<String, String>> configs, long nextProducerId,
                            long lastBrokerEpoch) {
    public static final MetadataImage EMPTY = new MetadataImage(0, new TreeMap<>(), new TreeMap<>(), Map.of(),
            new TreeMap<>(), 0, 0);

    public MetadataImage {
        brokers = Collections.unmodifiableSortedMap(brokers);
        topics = Collections.unmodifiableSortedMap(topics);
        topicNames = Collections.unmodifiableMap(topicNames);
        configs = Collections.unmodifiableSortedMap(configs);
    }

    /**
     * The image after {@code records} (one quorum entry, applied atomically) ending at log offset {@code endOffset}.
     *
     * @throws MetadataException if a record contradicts the image (a bug: committed records always apply)
     */
    public MetadataImage apply(List<MetadataRecord> records, long endOffset) {
        MetadataApplier applier = new MetadataApplier(this);
        for (MetadataRecord record : records) {
            applier.apply(record);
        }
        return applier.build(endOffset);
    }

    public TopicImage topic(String name) {
        return topics.get(name);
    }

    /** A topic's configuration overrides (empty if none). */
    public SortedMap<String, String> topicConfig(String topic) {
        SortedMap<String, String> config = configs.get(topic);
        return config == null ? Collections.emptySortedMap() : config;
    }

    /** Whether {@code brokerId} is registered and not fenced. */
    public boolean isUnfenced(int brokerId) {
        BrokerRegistration b = brokers.get(brokerId);
        return b != null && !b.fenced();
    }
}
