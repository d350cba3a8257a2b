package io.fjord.quorum.controller;

/**
 * What replica placement needs to know about one registered broker.
 *
 * @param id     the broker id, never negative ({@code -1} means "no leader" in partition state)
 * @param rack   the broker's rack, or {@code null} when it declared none
 * @param fenced whether the broker is fenced (its heartbeat lease lapsed or it has not caught up yet); fenced
 *               brokers receive no new replicas and are never elected leader
 */
public record BrokerInfo(int id, String rack, boolean fenced) {
    public BrokerInfo {
        if (id < 0) {
            throw new IllegalArgumentException("broker id " + id + " is negative");
        }
    }

    /** Whether the broker declared a rack. */
    public boolean hasRack() {
        return rack != null;
    }
}
