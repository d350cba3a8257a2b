package io.fjord.quorum.controller;

import io.fjord.proto.internal.v1.BrokerRegistrationChangeRecord;
import io.fjord.proto.internal.v1.Endpoint;
import io.fjord.proto.internal.v1.FenceBrokerRecord;
import io.fjord.proto.internal.v1.MetadataRecord;
import io.fjord.proto.internal.v1.ProducerIdsRecord;
import io.fjord.proto.internal.v1.RegisterBrokerRecord;
import io.fjord.proto.internal.v1.UnfenceBrokerRecord;
import io.fjord.quorum.metadata.BrokerRegistration;
import io.fjord.quorum.metadata.MetadataImage;
import io.fjord.quorum.metadata.Uuids;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.fjord.quorum.controller.ApiError.Code.BROKER_ID_NOT_REGISTERED;
import static io.fjord.quorum.controller.ApiError.Code.DUPLICATE_BROKER_REGISTRATION;
import static io.fjord.quorum.controller.ApiError.Code.STALE_BROKER_EPOCH;

/**
 * Broker lifecycle decisions, pure: registration (a new broker epoch; registered fenced), heartbeats (unfence once
 * caught up on metadata; controlled shutdown moves leaderships away and, once the broker reports having applied
 * those changes (the caller sets that target when they commit), releases it fenced), lease expiry
 * (fenced, leaderships moved, dropped from ISRs), and producer-id blocks.
 */
public final class BrokerControl {
    private final ControllerConfig config;
    private final BrokerHeartbeats heartbeats;

    public BrokerControl(ControllerConfig config, BrokerHeartbeats heartbeats) {
        this.config = config;
        this.heartbeats = heartbeats;
    }

    public record Registration(ApiError error, long brokerEpoch) {
    }

    public record HeartbeatAnswer(ApiError error, boolean fenced, boolean shouldShutDown) {
    }

    /**
     * Registers a broker process. The same incarnation retrying gets its epoch back; a new incarnation replaces the
     * old registration unless the old one is still alive (two processes with one id).
     */
    public ControllerResult<Registration> register(MetadataImage image, int brokerId, UUID incarnationId,
                                                   List<BrokerRegistration.Endpoint> endpoints, String rack,
                                                   long nowMs) {
        BrokerRegistration existing = image.brokers().get(brokerId);
        if (existing != null && existing.incarnationId().equals(incarnationId)) {
            heartbeats.touch(brokerId, nowMs);
            return ControllerResult.of(new Registration(ApiError.NONE, existing.epoch()));
        }
        if (existing != null && (existing.fenced()
                ? heartbeats.heardFrom(brokerId, nowMs, config.brokerSessionTimeoutMs())
                : heartbeats.isAlive(brokerId, nowMs, config.brokerSessionTimeoutMs()))) {
            return ControllerResult.of(new Registration(ApiError.of(DUPLICATE_BROKER_REGISTRATION, "broker "
                    + brokerId + " is registered by another live process (incarnation " + existing.incarnationId()
                    + "); it must stop, or its session of " + config.brokerSessionTimeoutMs() + " ms lapse, first"), -1));
        }
        List<MetadataRecord> records = new ArrayList<>();
        if (existing != null && !existing.fenced()) {
            PartitionControl.brokerLeaving(image, brokerId, config.uncleanLeaderElectionEnable(), records);
        }
        long epoch = image.lastBrokerEpoch() + 1;
        RegisterBrokerRecord.Builder r = RegisterBrokerRecord.newBuilder().setBrokerId(brokerId)
                .setIncarnationId(Uuids.toProto(incarnationId)).setBrokerEpoch(epoch);
        endpoints.forEach(e -> r.addEndpoints(Endpoint.newBuilder().setListener(e.listener()).setHost(e.host())
                .setPort(e.port())));
        if (rack != null) {
            r.setRack(rack);
        }
        records.add(MetadataRecord.newBuilder().setRegisterBroker(r).build());
        heartbeats.touch(brokerId, nowMs);
        return new ControllerResult<>(records, new Registration(ApiError.NONE, epoch));
    }

    /** A heartbeat reporting the broker's applied metadata offset; see the class comment. */
    public ControllerResult<HeartbeatAnswer> heartbeat(MetadataImage image, int brokerId, long brokerEpoch,
                                                       long metadataOffset, boolean wantShutdown, long nowMs) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        if (broker == null) {
            return ControllerResult.of(new HeartbeatAnswer(ApiError.of(BROKER_ID_NOT_REGISTERED, "broker " + brokerId
                    + " is not registered"), true, false));
        }
        if (broker.epoch() != brokerEpoch) {
            return ControllerResult.of(new HeartbeatAnswer(ApiError.of(STALE_BROKER_EPOCH, "broker " + brokerId
                    + " epoch " + brokerEpoch + " is not the registered epoch " + broker.epoch()), true, false));
        }
        heartbeats.touch(brokerId, nowMs);
        List<MetadataRecord> records = new ArrayList<>();
        if (wantShutdown) {
            if (broker.fenced()) {
                heartbeats.forget(brokerId);
                return ControllerResult.of(new HeartbeatAnswer(ApiError.NONE, true, true));
            }
            if (!broker.inControlledShutdown()) {
                records.add(MetadataRecord.newBuilder().setBrokerRegistrationChange(BrokerRegistrationChangeRecord
                        .newBuilder().setBrokerId(brokerId).setBrokerEpoch(brokerEpoch).setInControlledShutdown(true))
                        .build());
            }
            PartitionControl.brokerLeaving(image, brokerId, config.uncleanLeaderElectionEnable(), records);
            if (records.isEmpty() && heartbeats.caughtUp(brokerId, metadataOffset)) {
                // its leaderships are gone and it has applied those changes itself: it may stop
                heartbeats.forget(brokerId);
                return new ControllerResult<>(List.of(fence(brokerId, brokerEpoch)),
                        new HeartbeatAnswer(ApiError.NONE, true, true));
            }
            return new ControllerResult<>(records, new HeartbeatAnswer(ApiError.NONE, false, false));
        }
        if (broker.fenced() && heartbeats.caughtUp(brokerId, metadataOffset)) {
            PartitionControl.brokerReturning(image, brokerId, config.uncleanLeaderElectionEnable(), records);
            records.add(0, MetadataRecord.newBuilder().setUnfenceBroker(UnfenceBrokerRecord.newBuilder()
                    .setBrokerId(brokerId).setBrokerEpoch(brokerEpoch)).build());
            return new ControllerResult<>(records, new HeartbeatAnswer(ApiError.NONE, false, false));
        }
        return ControllerResult.of(new HeartbeatAnswer(ApiError.NONE, broker.fenced(), false));
    }

    /** Fences every unfenced broker whose session lapsed: its leaderships move and it leaves every ISR. */
    public ControllerResult<List<Integer>> fenceExpired(MetadataImage image, long nowMs) {
        List<Integer> unfenced = new ArrayList<>();
        image.brokers().values().stream().filter(b -> !b.fenced()).forEach(b -> unfenced.add(b.id()));
        List<Integer> expired = heartbeats.expired(unfenced, nowMs, config.brokerSessionTimeoutMs());
        List<MetadataRecord> records = new ArrayList<>();
        MetadataImage current = image;
        for (int id : expired) {
            List<MetadataRecord> forBroker = new ArrayList<>();
            PartitionControl.brokerLeaving(current, id, config.uncleanLeaderElectionEnable(), forBroker);
            forBroker.add(fence(id, current.brokers().get(id).epoch()));
            current = current.apply(forBroker, current.endOffset());
            records.addAll(forBroker);
        }
        return new ControllerResult<>(records, expired);
    }

    /** Hands {@code brokerId} the next block of producer ids; the answer is the first id of the block. */
    public ControllerResult<Long> allocateProducerIds(MetadataImage image, int brokerId, long brokerEpoch) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        if (broker == null || broker.epoch() != brokerEpoch) {
            return ControllerResult.of(-1L);
        }
        long first = image.nextProducerId();
        return new ControllerResult<>(List.of(MetadataRecord.newBuilder().setProducerIds(ProducerIdsRecord.newBuilder()
                .setBrokerId(brokerId).setBrokerEpoch(brokerEpoch)
                .setNextProducerId(first + config.producerIdBlockSize())).build()), first);
    }

    private static MetadataRecord fence(int brokerId, long epoch) {
        return MetadataRecord.newBuilder().setFenceBroker(FenceBrokerRecord.newBuilder().setBrokerId(brokerId)
                .setBrokerEpoch(epoch)).build();
    }
}
