package io.fjord.broker.management;

import io.fjord.quorum.driver.QuorumDriver;
import io.micronaut.management.endpoint.annotation.Endpoint;
import io.micronaut.management.endpoint.annotation.Read;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /quorum}: this node's view of the metadata quorum (on the leader, every replica's lag). */
@Endpoint(id = "quorum", defaultSensitive = false)
public final class QuorumEndpoint {
    private final QuorumDriver driver;

    public QuorumEndpoint(QuorumDriver driver) {
        this.driver = driver;
    }

    @Read
    public Map<String, Object> quorum() {
        QuorumDriver.Status s = driver.status();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodeId", s.nodeId());
        out.put("state", s.state());
        out.put("epoch", s.epoch());
        out.put("leaderId", s.leaderId());
        out.put("highWatermark", s.highWatermark());
        out.put("logEndOffset", s.logEndOffset());
        out.put("replicaLag", s.replicaLag());
        return out;
    }
}
