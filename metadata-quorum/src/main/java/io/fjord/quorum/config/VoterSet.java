package io.fjord.quorum.config;

import io.fjord.storage.StorageException;
import io.fjord.storage.checkpoint.CheckpointFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The voters of the metadata quorum, fixed when the cluster is formatted ({@code fjord format
 * --initial-controllers}, Kafka's syntax {@code id@host:port:directoryId,...}) and kept in the file
 * {@code quorum-voters} of the metadata log directory (checkpoint format version 0, one line per voter:
 * {@code id host port directoryId}). Binding each voter to its directory id keeps a replaced disk from voting as the
 * voter it replaced.
 */
public record VoterSet(SortedMap<Integer, Voter> voters) {
    public static final String FILE_NAME = "quorum-voters";

    public VoterSet {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("a quorum needs at least one voter");
        }
        voters = Collections.unmodifiableSortedMap(new TreeMap<>(voters));
    }

    /**
     * Parses {@code 1@host:9093:dirId,2@...}.
     *
     * @throws IllegalArgumentException naming the entry that is malformed or repeated
     */
    public static VoterSet parse(String text) {
        SortedMap<Integer, Voter> voters = new TreeMap<>();
        for (String entry : text.split(",")) {
            String e = entry.trim();
            int at = e.indexOf('@');
            int colon = e.lastIndexOf(':');
            int portColon = e.lastIndexOf(':', colon - 1);
            if (at <= 0 || portColon <= at || colon <= portColon) {
                throw new IllegalArgumentException("controller '" + e + "' is not of the form id@host:port:directoryId");
            }
            Voter voter;
            try {
                voter = new Voter(Integer.parseInt(e.substring(0, at)), e.substring(at + 1, portColon),
                        Integer.parseInt(e.substring(portColon + 1, colon)), DirectoryIds.parse(e.substring(colon + 1)));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("controller '" + e + "': " + bad.getMessage());
            }
            if (voters.put(voter.id(), voter) != null) {
                throw new IllegalArgumentException("controller " + voter.id() + " is listed twice");
            }
        }
        return new VoterSet(voters);
    }

    /** Voter id to directory id, as the Raft core takes it. */
    public Map<Integer, UUID> directories() {
        Map<Integer, UUID> out = new TreeMap<>();
        voters.forEach((id, v) -> out.put(id, v.directoryId()));
        return out;
    }

    public static VoterSet read(Path dir) {
        List<Voter> lines = file(dir).read();
        if (lines.isEmpty()) {
            throw new StorageException(dir.resolve(FILE_NAME) + " is missing: format this controller's metadata"
                    + " directory with 'fjord format ... --initial-controllers id@host:port:directoryId,...'");
        }
        SortedMap<Integer, Voter> voters = new TreeMap<>();
        lines.forEach(v -> voters.put(v.id(), v));
        return new VoterSet(voters);
    }

    public void write(Path dir) {
        file(dir).write(new ArrayList<>(voters.values()));
    }

    private static CheckpointFile<Voter> file(Path dir) {
        return new CheckpointFile<>(dir.resolve(FILE_NAME), 0, new CheckpointFile.EntryFormat<>() {
            @Override
            public String format(Voter v) {
                return v.id() + " " + v.host() + " " + v.port() + " " + DirectoryIds.format(v.directoryId());
            }

            @Override
            public Voter parse(String line) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length != 4) {
                    throw new IllegalArgumentException("expected 'id host port directoryId', got '" + line + "'");
                }
                return new Voter(Integer.parseInt(parts[0]), parts[1], Integer.parseInt(parts[2]),
                        DirectoryIds.parse(parts[3]));
            }
        });
    }

    @Override
    public String toString() {
        return String.join(",", voters.values().stream().map(Voter::toString).toList());
    }
}
