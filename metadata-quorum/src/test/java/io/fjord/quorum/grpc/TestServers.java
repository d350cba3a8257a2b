package io.fjord.quorum.grpc;

import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/** Netty servers on loopback for the transport tests, configured as a hosting process would. */
final class TestServers {
    private TestServers() {
    }

    /** Starts a server on {@code port} of 127.0.0.1 (0: a free one), retrying a few seconds while it is taken. */
    static Server start(int port, Consumer<NettyServerBuilder> services) {
        Server[] started = new Server[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreException(
                UncheckedIOException.class).until(() -> {
                    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
                    QuorumChannels.configureServer(builder);
                    services.accept(builder);
                    try {
                        started[0] = builder.build().start();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return true;
                });
        return started[0];
    }

    /** A loopback port nothing listens on (bound once by the OS, then released). */
    static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void stop(Server server) {
        if (server == null) {
            return;
        }
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A server's services, bound after it started (its port must be known before the transport is built). */
    static final class LateService extends HandlerRegistry {
        private volatile ServerServiceDefinition definition;

        void bind(BindableService service) {
            definition = service.bindService();
        }

        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            ServerServiceDefinition bound = definition;
            return bound == null ? null : bound.getMethod(methodName);
        }
    }
}
