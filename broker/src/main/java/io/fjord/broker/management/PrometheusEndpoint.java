package io.fjord.broker.management;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.MediaType;
import io.micronaut.management.endpoint.annotation.Endpoint;
import io.micronaut.management.endpoint.annotation.Read;

/**
 * {@code GET /prometheus}: the node's metrics in the Prometheus text format (per-partition LEO, HW and log size;
 * request counts and latency per API; bytes in and out; JVM basics).
 */
@Endpoint(id = "prometheus", defaultSensitive = false)
public final class PrometheusEndpoint {
    private final PrometheusMeterRegistry registry;

    public PrometheusEndpoint(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Read(produces = MediaType.TEXT_PLAIN)
    public String scrape() {
        return registry.scrape();
    }
}
