package io.fjord.broker.server;

import io.fjord.quorum.config.Voter;
import io.fjord.quorum.controller.runtime.ControllerService;
import io.fjord.quorum.controller.runtime.QuorumController;
import io.fjord.quorum.driver.QuorumDriver;
import io.fjord.quorum.grpc.QuorumChannels;
import io.fjord.storage.time.Clock;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The controller role: the controller listener (gRPC, the host and port this node has in the voter set) serving the
 * quorum protocol and the Controller API, and the cluster-metadata controller that decides on the quorum (or, with
 * {@code quorum.records.api.enable}, the QuorumRecords tool API instead of the controller).
 */
final class ControllerServer implements AutoCloseable {
    private final QuorumRecordLog records;
    private final QuorumController controller;
    private final Server server;

    /** @throws UncheckedIOException if the controller listener cannot be bound */
    ControllerServer(ServerConfig config, RaftManager raft, Voter self) {
        QuorumDriver driver = raft.driver();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(self.host(), self.port()))
                .addService(raft.transport().service());
        QuorumChannels.configureServer(builder);
        if (config.recordsApiEnabled()) {
            this.records = new QuorumRecordLog(driver, config.snapshotIntervalBytes(), config.nodeId());
            this.controller = null;
            builder.addService(new QuorumRecordsService(driver, records));
        } else {
            this.records = null;
            this.controller = new QuorumController(driver, config.controller(), Clock.MONOTONIC,
                    config.snapshotIntervalBytes(), config.autoRebalanceIntervalMs());
            builder.addService(new ControllerService(controller, () -> driver.status().leaderId()));
        }
        try {
            this.server = builder.build().start();
        } catch (IOException e) {
            closeDeciders();
            throw new UncheckedIOException("cannot listen on " + self.host() + ":" + self.port()
                    + " (the controller listener of node " + config.nodeId() + "): " + e.getMessage(), e);
        }
    }

    /** Stops taking new calls and stops the controller; {@link #close}, after the quorum has stopped, finishes. */
    void shutdown() {
        server.shutdown();
        closeDeciders();
    }

    private synchronized void closeDeciders() {
        if (records != null) {
            records.close();
        }
        if (controller != null) {
            controller.close();
        }
    }

    @Override
    public void close() {
        shutdown();
        try {
            server.awaitTermination(1, TimeUnit.SECONDS); // peers' streams stay open: then cut them
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.shutdownNow();
    }
}
