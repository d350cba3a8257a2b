package io.fjord.client.internal;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One plaintext gRPC channel per broker address {@code host:port}, created on first use and shared by every request
 * to that broker (gRPC multiplexes them over one HTTP/2 connection). Thread-safe.
 */
public final class ChannelPool implements AutoCloseable {
    private static final int MAX_INBOUND_MESSAGE_BYTES = 256 * 1024 * 1024;

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ManagedChannel channel(String address) {
        if (closed) {
            throw new IllegalStateException("the client is closed");
        }
        return channels.computeIfAbsent(address, ChannelPool::open);
    }

    private static ManagedChannel open(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new io.fjord.client.ConfigException("bootstrap.servers", address, "are host:port addresses");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new io.fjord.client.ConfigException("bootstrap.servers", address, "are host:port addresses");
        }
        return NettyChannelBuilder.forAddress(host, port)
                .usePlaintext()
                // the client's async callbacks only queue answers and wake a thread (user callbacks run on the
                // producer's I/O thread), so they run on the event loop: no hand-off to a pool thread per answer
                // (measured: 4-10% more records/s, less CPU); blocking stubs use their own caller-run executor
                .directExecutor()
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .build();
    }

    /** Closes once the calls in flight have ended (up to 5 s). */
    @Override
    public void close() {
        close(false);
    }

    /** Closes at once: calls in flight are cancelled (a consumer's long-polling fetch has nobody to answer). */
    public void closeNow() {
        close(true);
    }

    private void close(boolean cancelCalls) {
        closed = true;
        for (ManagedChannel channel : channels.values()) {
            if (cancelCalls) {
                channel.shutdownNow();
            } else {
                channel.shutdown();
            }
        }
        for (ManagedChannel channel : channels.values()) {
            try {
                if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        channels.clear();
    }
}
