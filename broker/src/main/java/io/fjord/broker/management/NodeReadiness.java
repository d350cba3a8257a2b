package io.fjord.broker.management;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import io.micronaut.core.async.publisher.Publishers;

import java.util.Map;

/**
 * {@code /health/readiness}: UP once the node serves (a broker: registered, caught up on metadata and unfenced);
 * DOWN with the reason until then. Kubernetes sends traffic only to ready pods.
 */
@Singleton
@Readiness
public final class NodeReadiness implements HealthIndicator {
    private final NodeView node;

    public NodeReadiness(NodeView node) {
        this.node = node;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        String reason = node.notReadyReason();
        HealthResult.Builder result = HealthResult.builder("fjord", reason == null ? HealthStatus.UP : HealthStatus.DOWN);
        if (reason != null) {
            result.details(Map.of("reason", reason));
        }
        return Publishers.just(result.build());
    }
}
