package io.fjord.quorum.controller;

/**
 * What the controller decides with, Kafka's names: {@code broker.session.timeout.ms} (a broker that has not
 * heartbeated for this long is fenced), {@code unclean.leader.election.enable} (cluster default; topics may
 * override), the producer-id block size handed to a broker at a time.
 */
public record ControllerConfig(long brokerSessionTimeoutMs, boolean uncleanLeaderElectionEnable,
                               int producerIdBlockSize) {
    public ControllerConfig {
        if (brokerSessionTimeoutMs <= 0 || producerIdBlockSize <= 0) {
            throw new IllegalArgumentException("broker.session.timeout.ms and the producer id block size must be"
                    + " positive: " + this);
        }
    }

    public static ControllerConfig defaults() {
        return new ControllerConfig(9000, false, 1000);
    }
}
