package io.fjord.broker.management;

import io.fjord.quorum.driver.QuorumDriver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.util.Map;

/**
 * The management HTTP listener (Micronaut management), read-only and not sensitive: {@code /health} (with
 * {@code /health/liveness} and {@code /health/readiness}), {@code /quorum}, {@code /cluster}, {@code /prometheus}. Runs a small Micronaut context around the node's beans; the node owns it and closes it.
 */
public final class ManagementServer implements AutoCloseable {
    private final ApplicationContext context;
    private final EmbeddedServer server;

    /** @param port the port to listen on, on {@code host}; 0 for any free one */
    public ManagementServer(String host, int port, QuorumDriver driver, NodeView node,
                            PrometheusMeterRegistry metrics) {
        this.context = ApplicationContext.builder()
                .properties(Map.of(
                        "micronaut.server.host", host,
                        "micronaut.server.port", port,
                        "micronaut.application.name", "fjord",
                        "endpoints.all.enabled", false,
                        "endpoints.health.enabled", true,
                        "endpoints.health.sensitive", false,
                        "endpoints.health.details-visible", "ANONYMOUS",
                        "endpoints.quorum.enabled", true,
                        "endpoints.prometheus.enabled", true,
                        "endpoints.cluster.enabled", true))
                .singletons(driver, node, metrics)
                .deduceEnvironment(false)
                .banner(false)
                .start();
        this.server = context.getBean(EmbeddedServer.class).start();
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.stop();
        context.close();
    }
}
