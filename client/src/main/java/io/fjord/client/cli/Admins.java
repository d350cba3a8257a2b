package io.fjord.client.cli;

import io.fjord.client.FjordAdmin;

import java.util.Map;

/** Builds the admin client the topic and cluster commands use. */
final class Admins {
    private Admins() {
    }

    static FjordAdmin open(BootstrapOption bootstrap) {
        return new FjordAdmin(Map.of("bootstrap.servers", bootstrap.value(), "request.timeout.ms", 30_000,
                "client.id", "fjord-cli"));
    }
}
