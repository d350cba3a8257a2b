package io.fjord.quorum.metadata;

import java.util.List;
import java.util.UUID;

/**
 * A registered broker as the metadata log knows it. {@code epoch} is the broker epoch of its latest registration;
 * a fenced broker leads nothing and is in no ISR; one in controlled shutdown is having its leaderships moved away.
 */
public record BrokerRegistration(int id, UUID incarnationId, long epoch, List<Endpoint> endpoints, String rack,
                                 boolean fenced, boolean inControlledShutdown) {
    public BrokerRegistration {
        endpoints = List.copyOf(endpoints);
    }

    /** A listener of a broker. */
    public record Endpoint(String listener, String host, int port) {
    }

    BrokerRegistration withFenced(boolean value) {
        return new BrokerRegistration(id, incarnationId, epoch, endpoints, rack, value, value ? false : inControlledShutdown);
    }

    BrokerRegistration withControlledShutdown(boolean value) {
        return new BrokerRegistration(id, incarnationId, epoch, endpoints, rack, fenced, value);
    }
}
