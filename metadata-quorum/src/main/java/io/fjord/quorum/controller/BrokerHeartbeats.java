package io.fjord.quorum.controller;

import io.fjord.quorum.metadata.MetadataImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The active controller's memory of broker liveness (not in the metadata log: a new active controller starts every
 * broker's session afresh): when each broker last heartbeated, and the metadata offset it must reach before it is
 * unfenced (the end of its registration's entry). Pure; the controller's thread owns it.
 */
public final class BrokerHeartbeats {
    private final Map<Integer, Long> lastContactMs = new TreeMap<>();
    private final Map<Integer, Long> catchUpOffset = new TreeMap<>();
    private final java.util.Set<Integer> released = new java.util.TreeSet<>();

    /**
     * The sessions of a new active controller over {@code image}: every unfenced broker's session starts afresh now
     * (a new controller cannot tell a live broker from a dead one until a session lapses); a fenced broker has none
     * until it heartbeats, so one a controlled shutdown released may register again at once; every broker must
     * catch up to the image before it is unfenced.
     */
    public static BrokerHeartbeats forNewActiveController(MetadataImage image, long nowMs) {
        BrokerHeartbeats heartbeats = new BrokerHeartbeats();
        image.brokers().values().forEach(b -> {
            if (!b.fenced()) {
                heartbeats.touch(b.id(), nowMs);
            }
            heartbeats.requireCaughtUpTo(b.id(), image.endOffset());
        });
        return heartbeats;
    }

    /** A broker heartbeated or registered. */
    public void touch(int brokerId, long nowMs) {
        released.remove(brokerId);
        lastContactMs.put(brokerId, nowMs);
    }

    /** The broker's session ended cleanly (controlled shutdown): a new process may register at once. */
    public void forget(int brokerId) {
        lastContactMs.remove(brokerId);
        catchUpOffset.remove(brokerId);
        released.add(brokerId);
    }

    /** The broker must have applied the metadata log up to {@code offset} (exclusive) to be unfenced. */
    public void requireCaughtUpTo(int brokerId, long offset) {
        catchUpOffset.put(brokerId, offset);
    }

    public boolean caughtUp(int brokerId, long metadataOffset) {
        Long target = catchUpOffset.get(brokerId);
        return target != null && metadataOffset >= target;
    }

    /**
     * Whether the broker heartbeated within {@code sessionTimeoutMs}. A broker never seen starts its session now, as
     * in {@link #expired}: a new active controller cannot tell a live broker from a dead one until a session lapses.
     */
    public boolean isAlive(int brokerId, long nowMs, long sessionTimeoutMs) {
        if (released.contains(brokerId)) {
            return false;
        }
        Long last = lastContactMs.putIfAbsent(brokerId, nowMs);
        return last == null || nowMs - last < sessionTimeoutMs;
    }

    /**
     * Whether the broker itself was heard from within {@code sessionTimeoutMs} (no session is started: a fenced
     * registration that nobody heartbeats for, say one a controlled shutdown released before a controller restart,
     * is not a live process).
     */
    public boolean heardFrom(int brokerId, long nowMs, long sessionTimeoutMs) {
        Long last = lastContactMs.get(brokerId);
        return !released.contains(brokerId) && last != null && nowMs - last < sessionTimeoutMs;
    }

    /** Brokers among {@code candidates} whose session has lapsed; brokers never seen start their session now. */
    public List<Integer> expired(Iterable<Integer> candidates, long nowMs, long sessionTimeoutMs) {
        List<Integer> out = new ArrayList<>();
        for (int id : candidates) {
            Long last = lastContactMs.putIfAbsent(id, nowMs);
            if (last != null && nowMs - last >= sessionTimeoutMs) {
                out.add(id);
            }
        }
        return out;
    }
}
