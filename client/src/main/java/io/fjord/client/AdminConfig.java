package io.fjord.client;

import io.fjord.client.internal.ConfigDef;
import io.fjord.client.internal.ConfigDef.Type;

import java.util.List;
import java.util.Map;

/** The admin client's configuration keys and their parsed values. Immutable; thread-safe. */
public final class AdminConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String CLIENT_ID = "client.id";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";

    private static final ConfigDef DEF = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.LIST, null)
            .define(CLIENT_ID, Type.STRING, "fjord-admin")
            .defineRange(REQUEST_TIMEOUT_MS, Type.INT, 30_000, 1, Integer.MAX_VALUE);

    private final Map<String, Object> values;
    private final List<String> bootstrapServers;

    public AdminConfig(Map<String, ?> originals) {
        this.values = DEF.parse(originals);
        this.bootstrapServers = ConfigDef.bootstrapServers(values, originals);
    }

    public List<String> bootstrapServers() {
        return bootstrapServers;
    }

    public String clientId() {
        return (String) values.get(CLIENT_ID);
    }

    public int requestTimeoutMs() {
        return (Integer) values.get(REQUEST_TIMEOUT_MS);
    }
}
