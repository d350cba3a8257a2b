package io.fjord.storage.manager;

import io.fjord.storage.StorageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * Formats log directories and checks them at start (DESIGN §2). Formatting writes {@code meta.properties} with a
 * fresh directory id into each directory; it refuses a directory that already belongs to a cluster or holds data,
 * unless it is already formatted identically for this cluster and node (so re-running format is harmless).
 */
public final class Formatter {
    private Formatter() {
    }

    /** What {@link #format} did to one directory. */
    public enum Outcome { FORMATTED, ALREADY_FORMATTED }

    public static Outcome format(Path dir, String clusterId, int nodeId, RandomGenerator random) {
        MetaProperties existing = MetaProperties.read(dir);
        String directoryId = existing != null && existing.clusterId().equals(clusterId) && existing.nodeId() == nodeId
                ? existing.directoryId() : MetaProperties.randomId(random);
        return format(dir, clusterId, nodeId, directoryId);
    }

    /**
     * Formats {@code dir} with the given directory id (a controller's, from {@code --initial-controllers}); an
     * already formatted directory must carry the same identity.
     */
    public static Outcome format(Path dir, String clusterId, int nodeId, String directoryId) {
        MetaProperties existing = MetaProperties.read(dir);
        if (existing != null) {
            if (existing.clusterId().equals(clusterId) && existing.nodeId() == nodeId
                    && existing.directoryId().equals(directoryId)) {
                return Outcome.ALREADY_FORMATTED;
            }
            throw new StorageException(dir + " is already formatted for cluster " + existing.clusterId() + " node "
                    + existing.nodeId() + " (directory " + existing.directoryId() + "); refusing to re-format it for"
                    + " cluster " + clusterId + " node " + nodeId + " (directory " + directoryId + ")");
        }
        if (Files.isDirectory(dir) && !isEmpty(dir)) {
            throw new StorageException(dir + " is not empty and has no " + MetaProperties.FILE_NAME
                    + "; refusing to format a directory that may hold someone else's data");
        }
        new MetaProperties(clusterId, nodeId, directoryId).write(dir);
        return Outcome.FORMATTED;
    }

    /**
     * Checks every log directory before a node starts: each must be formatted, for {@code nodeId}, and all for one
     * cluster. Returns the identity of each directory, in order.
     *
     * @throws StorageException naming the directory and the problem, with the command that fixes an unformatted one
     */
    public static List<MetaProperties> verify(List<Path> dirs, int nodeId) {
        List<MetaProperties> metas = dirs.stream().map(dir -> {
            MetaProperties meta = MetaProperties.read(dir);
            if (meta == null) {
                throw new StorageException("log directory " + dir + " is not formatted; run: fjord format"
                        + " --cluster-id <id> --node-id " + nodeId + " --log-dir " + dir);
            }
            if (meta.nodeId() != nodeId) {
                throw new StorageException("log directory " + dir + " belongs to node " + meta.nodeId()
                        + ", not to this node " + nodeId);
            }
            return meta;
        }).toList();
        String clusterId = metas.get(0).clusterId();
        for (int i = 1; i < metas.size(); i++) {
            if (!metas.get(i).clusterId().equals(clusterId)) {
                throw new StorageException("log directory " + dirs.get(i) + " belongs to cluster "
                        + metas.get(i).clusterId() + " but " + dirs.get(0) + " to cluster " + clusterId);
            }
        }
        return metas;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        } catch (IOException e) {
            throw new StorageException("cannot list " + dir, e);
        }
    }
}
