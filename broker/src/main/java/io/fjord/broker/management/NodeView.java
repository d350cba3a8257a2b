package io.fjord.broker.management;

import io.fjord.broker.replica.PartitionView;
import io.fjord.quorum.metadata.MetadataImage;

import java.util.Collection;
import java.util.List;

/** What the management endpoints show of their node. Implemented by the node; thread-safe. */
public interface NodeView {
    /** Null if the node is ready to serve (see {@code /health/readiness}), else why not. */
    String notReadyReason();

    /** The broker's committed metadata (empty on a controller-only node). */
    MetadataImage metadata();

    /** This broker's partition replicas (none on a controller-only node). */
    Collection<PartitionView> partitions();

    /** A view of a node with nothing but its quorum: always ready. */
    NodeView CONTROLLER_ONLY = new NodeView() {
        @Override
        public String notReadyReason() {
            return null;
        }

        @Override
        public MetadataImage metadata() {
            return MetadataImage.EMPTY;
        }

        @Override
        public Collection<PartitionView> partitions() {
            return List.of();
        }
    };
}
