package io.fjord.quorum.sim;

import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.quorum.metadata.MetadataException;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.MetadataSnapshot;
import io.fjord.quorum.metadata.PartitionRegistration;
import io.fjord.quorum.metadata.TopicImage;
import io.fjord.quorum.metadata.Uuids;
import io.fjord.quorum.raft.LogEntry;
import io.fjord.quorum.raft.RaftNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The cluster-metadata safety properties, checked on the committed sequence of quorum entries as it grows:
 * <ul>
 *   <li>every committed entry decodes and applies to the image of the committed prefix before it (controller
 *       failover loses no metadata and never decides on a stale image); broker epochs and topic ids are never handed
 *       out twice;</li>
 *   <li>a (topic id, partition, leader epoch) never has two different leaders; a partition's leader epoch and
 *       partition epoch never go back, and its registration never changes without a new partition epoch;</li>
 *   <li>every partition's leader is -1 or an unfenced member of its ISR; an ISR is never empty and holds only
 *       replicas, once each; no broker becomes leader or joins an ISR while fenced or in controlled shutdown;</li>
 *   <li>every committed image survives a round trip through a metadata snapshot; once healed, every node's image of
 *       its committed prefix equals the global image at that offset.</li>
 * </ul>
 * Also counts what was committed, to show a run exercised the controller. Not thread-safe.
 */
final class MetadataInvariants {
    private record PartitionKey(UUID topicId, int partition) {
    }

    private record LeaderEpochKey(UUID topicId, int partition, int leaderEpoch) {
    }

    /** The image of the first {@code n} committed entries, at index {@code n}. */
    private final List<MetadataImage> prefixImages = new ArrayList<>(List.of(MetadataImage.EMPTY));
    private final Map<LeaderEpochKey, Integer> leaderOfEpoch = new HashMap<>();
    private final Map<PartitionKey, PartitionRegistration> lastRegistration = new HashMap<>();
    private final Set<UUID> topicIds = new HashSet<>();
    private int lastMetadataEpoch = -1;
    int metadataEntries;
    int topicsCreated;
    int topicsDeleted;
    int brokersRegistered;
    int brokersFenced;
    int brokersUnfenced;
    int leaderChanges;
    int isrChanges;
    int producerIdBlocks;
    int failovers;

    /** The next committed entry (offset {@code = count so far}). */
    void committed(LogEntry entry) {
        MetadataImage before = prefixImages.get(prefixImages.size() - 1);
        if (entry.offset() != prefixImages.size() - 1) {
            throw new AssertionError("committed entry " + entry + " arrived after " + (prefixImages.size() - 1)
                    + " committed entries");
        }
        MetadataImage after = before;
        if (isMetadata(entry)) {
            List<MetadataRecord> records;
            try {
                records = MetadataSnapshot.decode(entry.data());
                after = before.apply(records, entry.offset() + 1);
            } catch (MetadataException e) {
                throw new AssertionError("committed entry " + entry + " does not apply to the committed image: "
                        + e.getMessage(), e);
            }
            checkRecords(entry, before, records);
            checkPartitions(entry, after);
            checkSnapshotRoundTrip(after);
            count(entry, records);
        }
        prefixImages.add(after);
    }

    /** The image of the first {@code offset} committed entries. */
    MetadataImage committedImage(long offset) {
        return prefixImages.get(Math.toIntExact(offset));
    }

    /** Whether an entry is metadata records: the quorum's control entries and empty entries are not. */
    static boolean isMetadata(LogEntry entry) {
        return !entry.control() && entry.data().length > 0;
    }

    /** The image of {@code entries}, which start at offset 0, as every controller and broker builds it. */
    static MetadataImage replay(MetadataImage from, List<LogEntry> entries) {
        MetadataImage image = from;
        for (LogEntry e : entries) {
            if (isMetadata(e)) {
                image = image.apply(MetadataSnapshot.decode(e.data()), e.offset() + 1);
            }
        }
        return image;
    }

    /** Every node's image of its committed prefix is the global one there, and survives a snapshot. */
    void healed(Collection<RaftNode> nodes) {
        for (RaftNode node : nodes) {
            List<LogEntry> view = SimSnapshots.committedView(node);
            MetadataImage image = replay(MetadataImage.EMPTY, view);
            MetadataImage global = prefixImages.get(view.size());
            if (!image.equals(global)) {
                throw new AssertionError("node " + node.localId() + "'s image of its " + view.size()
                        + " committed entries differs from the global one:\n  " + image + "\n  " + global);
            }
            checkSnapshotRoundTrip(image);
        }
    }

    private static void checkSnapshotRoundTrip(MetadataImage image) {
        MetadataImage loaded = MetadataSnapshot.load(MetadataSnapshot.encode(MetadataSnapshot.records(image)),
                image.endOffset());
        if (!loaded.equals(image)) {
            throw new AssertionError("a metadata snapshot does not round-trip the image:\n  " + image + "\n  "
                    + loaded);
        }
    }

    private void checkRecords(LogEntry entry, MetadataImage before, List<MetadataRecord> records) {
        long lastBrokerEpoch = before.lastBrokerEpoch();
        for (MetadataRecord r : records) {
            if (r.hasRegisterBroker()) {
                long epoch = r.getRegisterBroker().getBrokerEpoch();
                if (epoch <= lastBrokerEpoch) {
                    throw new AssertionError("committed entry " + entry + " hands out broker epoch " + epoch
                            + " twice (the last was " + lastBrokerEpoch + ")");
                }
                lastBrokerEpoch = epoch;
            } else if (r.hasTopic() && !topicIds.add(Uuids.fromProto(r.getTopic().getTopicId()))) {
                throw new AssertionError("committed entry " + entry + " reuses topic id "
                        + Uuids.fromProto(r.getTopic().getTopicId()));
            }
        }
    }

    private void checkPartitions(LogEntry entry, MetadataImage image) {
        for (TopicImage topic : image.topics().values()) {
            topic.partitions().forEach((id, p) -> {
                String where = " of " + topic.name() + "-" + id + " " + p + " after committed entry " + entry;
                if (p.isr().isEmpty() || !p.replicas().containsAll(p.isr())
                        || new HashSet<>(p.isr()).size() != p.isr().size()
                        || new HashSet<>(p.replicas()).size() != p.replicas().size()) {
                    throw new AssertionError("ISR is empty or not distinct replicas" + where);
                }
                if (p.hasLeader() && (!p.isr().contains(p.leader()) || !image.isUnfenced(p.leader()))) {
                    throw new AssertionError("leader is not an unfenced ISR member" + where);
                }
                PartitionRegistration last = lastRegistration.put(new PartitionKey(topic.id(), id), p);
                if (p.hasLeader() && (last == null || last.leader() != p.leader())
                        && image.brokers().get(p.leader()).inControlledShutdown()) {
                    throw new AssertionError("a broker in controlled shutdown became leader" + where);
                }
                for (int member : p.isr()) {
                    if ((last == null || !last.isr().contains(member)) && (!image.isUnfenced(member)
                            || image.brokers().get(member).inControlledShutdown())) {
                        throw new AssertionError("broker " + member + " joined the ISR fenced or shutting down" + where);
                    }
                }
                Integer other = leaderOfEpoch.putIfAbsent(new LeaderEpochKey(topic.id(), id, p.leaderEpoch()),
                        p.leader());
                if (other != null && other != p.leader()) {
                    throw new AssertionError("two leaders " + other + " and " + p.leader() + " in leader epoch "
                            + p.leaderEpoch() + where);
                }
                if (last != null && (p.leaderEpoch() < last.leaderEpoch()
                        || p.partitionEpoch() < last.partitionEpoch())) {
                    throw new AssertionError("epochs went back from " + last + where);
                }
                if (last != null && p.partitionEpoch() == last.partitionEpoch() && !p.equals(last)) {
                    throw new AssertionError("changed without a new partition epoch from " + last + where);
                }
            });
        }
    }

    private void count(LogEntry entry, List<MetadataRecord> records) {
        metadataEntries++;
        if (lastMetadataEpoch >= 0 && entry.epoch() != lastMetadataEpoch) {
            failovers++; // a controller of another quorum epoch decided this
        }
        lastMetadataEpoch = entry.epoch();
        for (MetadataRecord r : records) {
            switch (r.getRecordCase()) {
                case TOPIC -> topicsCreated++;
                case REMOVE_TOPIC -> topicsDeleted++;
                case REGISTER_BROKER -> brokersRegistered++;
                case FENCE_BROKER -> brokersFenced++;
                case UNFENCE_BROKER -> brokersUnfenced++;
                case PRODUCER_IDS -> producerIdBlocks++;
                case PARTITION_CHANGE -> {
                    leaderChanges += r.getPartitionChange().hasLeader() ? 1 : 0;
                    isrChanges += r.getPartitionChange().hasIsr() ? 1 : 0;
                }
                default -> {
                }
            }
        }
    }

    String stats() {
        return "metadata entries " + metadataEntries + " (topics +" + topicsCreated + " -" + topicsDeleted
                + ", brokers registered " + brokersRegistered + " fenced " + brokersFenced + " unfenced "
                + brokersUnfenced + ", leader changes " + leaderChanges + ", ISR changes " + isrChanges
                + ", producer-id blocks " + producerIdBlocks + ", controller failovers " + failovers + ")";
    }
}
