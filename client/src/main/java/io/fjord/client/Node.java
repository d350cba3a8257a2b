package io.fjord.client;

/** A broker as the cluster metadata advertises it. Immutable. */
public record Node(int id, String host, int port, String rack) {
    /** {@code host:port}, the key under which the client keeps one channel per broker. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return id + "@" + address() + (rack == null ? "" : " rack=" + rack);
    }
}
