package io.fjord.quorum.metadata;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/** A topic: its name, id and partitions by partition id. */
public record TopicImage(String name, UUID id, SortedMap<Integer, PartitionRegistration> partitions) {
    public TopicImage {
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
    }
}
