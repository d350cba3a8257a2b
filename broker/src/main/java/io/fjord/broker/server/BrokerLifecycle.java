package io.fjord.broker.server;

import io.fjord.proto.internal.v1.BrokerHeartbeatRequest;
import io.fjord.proto.internal.v1.BrokerHeartbeatResponse;
import io.fjord.proto.internal.v1.ControllerErrorCode;
import io.fjord.proto.internal.v1.Endpoint;
import io.fjord.proto.internal.v1.RegisterBrokerRequest;
import io.fjord.proto.internal.v1.RegisterBrokerResponse;
import io.fjord.quorum.metadata.Uuids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A broker's life with the controller: register (a new incarnation id per process start), then heartbeat every
 * {@code broker.heartbeat.interval.ms} reporting how far it has applied the metadata log; register again if the
 * controller no longer knows this registration. {@link #shutDown} asks for a controlled shutdown (leaderships move
 * away first) and waits until the controller releases the broker. One thread.
 */
final class BrokerLifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLifecycle.class);

    private final int brokerId;
    private final UUID incarnationId = UUID.randomUUID();
    private final ServerConfig.Listener listener;
    private final ControllerClient controllers;
    private final LongSupplier metadataOffset;
    private final long intervalMs;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean wantShutdown;
    private volatile boolean released;
    private volatile boolean fenced = true;
    private volatile long brokerEpoch = -1;

    BrokerLifecycle(int brokerId, ServerConfig.Listener listener, ControllerClient controllers,
                    LongSupplier metadataOffset, long intervalMs) {
        this.brokerId = brokerId;
        this.listener = listener;
        this.controllers = controllers;
        this.metadataOffset = metadataOffset;
        this.intervalMs = intervalMs;
        this.thread = new Thread(this::run, "fjord-broker-lifecycle-" + brokerId);
        thread.setDaemon(true);
        thread.start();
    }

    boolean isFenced() {
        return fenced;
    }

    long brokerEpoch() {
        return brokerEpoch;
    }

    private void run() {
        while (!closed) {
            try {
                if (brokerEpoch >= 0) {
                    heartbeat();
                } else if (!wantShutdown) {
                    register();
                }
                pause(intervalMs);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("[Broker {}] talking to the controller failed; retrying", brokerId, e);
            }
        }
    }

    private void register() throws InterruptedException {
        RegisterBrokerRequest request = RegisterBrokerRequest.newBuilder().setBrokerId(brokerId)
                .setIncarnationId(Uuids.toProto(incarnationId)).addEndpoints(Endpoint.newBuilder()
                        .setListener(listener.name()).setHost(listener.host()).setPort(listener.port())).build();
        RegisterBrokerResponse r = controllers.call(stub -> stub.registerBroker(request),
                RegisterBrokerResponse::getError, intervalMs * 2);
        if (r == null) {
            return;
        }
        if (r.getError().getCode() == ControllerErrorCode.CONTROLLER_ERROR_NONE) {
            brokerEpoch = r.getBrokerEpoch();
            LOG.info("[Broker {}] registered with broker epoch {}", brokerId, brokerEpoch);
        } else {
            LOG.warn("[Broker {}] registration refused: {} {}", brokerId, r.getError().getCode(),
                    r.getError().getMessage());
        }
    }

    private void heartbeat() throws InterruptedException {
        BrokerHeartbeatRequest request = BrokerHeartbeatRequest.newBuilder().setBrokerId(brokerId)
                .setBrokerEpoch(brokerEpoch).setMetadataOffset(metadataOffset.getAsLong())
                .setWantShutdown(wantShutdown).build();
        BrokerHeartbeatResponse r = controllers.call(stub -> stub.brokerHeartbeat(request),
                BrokerHeartbeatResponse::getError, intervalMs);
        if (r == null) {
            return;
        }
        ControllerErrorCode code = r.getError().getCode();
        if ((code == ControllerErrorCode.CONTROLLER_ERROR_STALE_BROKER_EPOCH
                || code == ControllerErrorCode.CONTROLLER_ERROR_BROKER_ID_NOT_REGISTERED) && wantShutdown) {
            released = true; // nothing of this registration is left to move away
            wake();
            return;
        }
        if (code == ControllerErrorCode.CONTROLLER_ERROR_STALE_BROKER_EPOCH
                || code == ControllerErrorCode.CONTROLLER_ERROR_BROKER_ID_NOT_REGISTERED) {
            LOG.info("[Broker {}] the controller no longer knows registration {}: registering again", brokerId,
                    brokerEpoch);
            brokerEpoch = -1;
            return;
        }
        if (code != ControllerErrorCode.CONTROLLER_ERROR_NONE) {
            return;
        }
        if (fenced != r.getIsFenced()) {
            LOG.info("[Broker {}] {} by the controller", brokerId, r.getIsFenced() ? "fenced" : "unfenced");
        }
        fenced = r.getIsFenced();
        if (r.getShouldShutDown()) {
            released = true;
            wake();
        }
    }

    /** Controlled shutdown: returns once the controller released the broker, or after {@code timeoutMs}. */
    boolean shutDown(long timeoutMs) throws InterruptedException {
        wantShutdown = true; // from now on no new registration
        wake(); // ask now, not at the next heartbeat
        if (brokerEpoch < 0) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (this) {
            while (!released && System.nanoTime() < deadline) {
                TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, deadline - System.nanoTime()));
            }
        }
        return released;
    }

    /** Waits up to {@code ms} before the next round, or until {@link #wake}. */
    private synchronized void pause(long ms) throws InterruptedException {
        wait(wantShutdown ? Math.min(ms, 200) : ms);
    }

    private synchronized void wake() {
        notifyAll();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
