package io.fjord.quorum.grpc;

import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Limits and keepalive of the quorum's gRPC links, on both ends: the channels {@link GrpcTransport} opens to its
 * peers, and the server that hosts {@link GrpcTransport#service()} (owned by the hosting process, which must pass
 * its builder through {@link #configureServer} so that large fetch responses and the clients' keepalive pings are
 * accepted).
 */
public final class QuorumChannels {
    /** Largest message either end accepts: fetch responses carry a few hundred entries, snapshot chunks 1 MiB. */
    public static final int MAX_MESSAGE_BYTES = 16 << 20;
    /**
     * Client pings after this long without reads (gRPC's minimum). A link between voters reads nothing (answers come
     * on the peer's own link), so it pings; an observer's pings also keep NAT and load-balancer mappings alive.
     */
    static final long KEEPALIVE_TIME_MS = 10_000;
    static final long KEEPALIVE_TIMEOUT_MS = 5_000;
    /** Servers must allow pings at least this often, or they close the link with {@code too_many_pings}. */
    static final long PERMIT_KEEPALIVE_TIME_MS = 5_000;
    static final int CONNECT_TIMEOUT_MS = 5_000;

    private QuorumChannels() {
    }

    /**
     * Applies the quorum's needs to the server builder that will host the quorum service: 16 MiB inbound messages
     * and, on Netty, keepalive pings as often as the quorum's clients send them and address reuse (a restarted
     * node binds its port again at once).
     */
    public static void configureServer(ServerBuilder<?> builder) {
        builder.maxInboundMessageSize(MAX_MESSAGE_BYTES);
        if (builder instanceof NettyServerBuilder netty) {
            netty.permitKeepAliveTime(PERMIT_KEEPALIVE_TIME_MS, TimeUnit.MILLISECONDS)
                    .permitKeepAliveWithoutCalls(true)
                    .withOption(ChannelOption.SO_REUSEADDR, true);
        }
    }

    /**
     * A plaintext channel straight to a peer: no proxy (a JVM-wide HTTPS proxy setting must not capture links
     * between quorum nodes, loopback included). Callbacks run on gRPC's default executor, not on the network
     * threads, since they decode what arrives on a Deliver stream's response direction (fetch answers of up to 16
     * MiB, on an observer) and hand it to the inboxes. gRPC's retry buffer is off: a Deliver stream is never retried
     * and would otherwise keep a copy of what it sends until the peer answers (on a link between voters, never).
     */
    static ManagedChannel channel(InetSocketAddress address) {
        return NettyChannelBuilder.forAddress(address)
                .usePlaintext()
                .proxyDetector(target -> null)
                .disableRetry()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .keepAliveTime(KEEPALIVE_TIME_MS, TimeUnit.MILLISECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true)
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .build();
    }
}
