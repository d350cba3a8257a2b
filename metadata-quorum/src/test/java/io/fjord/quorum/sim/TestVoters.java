package io.fjord.quorum.sim;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/** Directory ids for test nodes: node {@code id}'s first directory is {@code 0-...-id}. */
public final class TestVoters {
    private TestVoters() {
    }

    public static UUID directoryOf(int id) {
        return new UUID(0, id);
    }

    /** The voter set of {@code ids}, each with its first directory. */
    public static Map<Integer, UUID> of(Set<Integer> ids) {
        Map<Integer, UUID> voters = new TreeMap<>();
        ids.forEach(id -> voters.put(id, directoryOf(id)));
        return voters;
    }
}
