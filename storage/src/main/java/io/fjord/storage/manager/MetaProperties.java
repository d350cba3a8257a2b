package io.fjord.storage.manager;

import io.fjord.storage.StorageException;
import io.fjord.storage.checkpoint.CheckpointFile;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The identity of a formatted log directory, in {@code meta.properties} (Java properties, as Kafka's):
 * <pre>
 * version=1
 * cluster.id=&lt;22-character base64url id&gt;
 * node.id=&lt;int&gt;
 * directory.id=&lt;22-character base64url id&gt;
 * </pre>
 * {@code fjord format} writes it once; a node refuses to start on a directory without it (unformatted) or with
 * another cluster's or node's identity (foreign). The directory id is unique per format, so a voter whose disk was
 * replaced and re-formatted is recognisably a different directory, not the same voter with an empty log.
 */
public record MetaProperties(String clusterId, int nodeId, String directoryId) {
    public static final String FILE_NAME = "meta.properties";
    private static final int VERSION = 1;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");

    public MetaProperties {
        requireId("cluster.id", clusterId);
        requireId("directory.id", directoryId);
        if (nodeId < 0) {
            throw new IllegalArgumentException("invalid node.id=" + nodeId + ": must be >= 0");
        }
    }

    private static void requireId(String key, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + key + "=" + value
                    + ": must be 22 characters of A-Z, a-z, 0-9, '_' or '-' (a base64url-encoded 128-bit id)");
        }
    }

    /** A new random 128-bit id, base64url without padding (Kafka's Uuid text form). */
    public static String randomId(java.util.random.RandomGenerator random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Reads {@code dir/meta.properties}; null if the directory is not formatted. */
    public static MetaProperties read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new StorageException("cannot read " + file, e);
        }
        String version = props.getProperty("version");
        if (!String.valueOf(VERSION).equals(version)) {
            throw new StorageException(file + " has version " + version + "; this Fjord reads version " + VERSION);
        }
        try {
            return new MetaProperties(props.getProperty("cluster.id"),
                    Integer.parseInt(String.valueOf(props.getProperty("node.id")).trim()),
                    props.getProperty("directory.id"));
        } catch (IllegalArgumentException e) {
            throw new StorageException(file + " is malformed: " + e.getMessage());
        }
    }

    /** Writes {@code dir/meta.properties} atomically (temporary file, fsync, rename, directory fsync). */
    public void write(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        StringWriter text = new StringWriter();
        text.write("# Written by fjord format. Identifies this log directory; do not edit or copy.\n");
        text.write("version=" + VERSION + "\ncluster.id=" + clusterId + "\nnode.id=" + nodeId
                + "\ndirectory.id=" + directoryId + "\n");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(StandardCharsets.UTF_8.encode(text.toString()));
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            CheckpointFile.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot write " + file, e);
        }
    }
}
