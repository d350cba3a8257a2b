package io.fjord.quorum.config;

import java.util.UUID;

/** One voter of the metadata quorum: its node id, controller-listener endpoint and metadata directory id. */
public record Voter(int id, String host, int port, UUID directoryId) {
    public Voter {
        if (id < 0 || host == null || host.isBlank() || port < 1 || port > 65535 || directoryId == null) {
            throw new IllegalArgumentException("invalid voter " + id + "@" + host + ":" + port + ":" + directoryId);
        }
    }

    /** Kafka's {@code --initial-controllers} form: {@code id@host:port:directoryId}. */
    @Override
    public String toString() {
        return id + "@" + host + ":" + port + ":" + DirectoryIds.format(directoryId);
    }
}
