package io.fjord.client.cli;

import picocli.CommandLine.Option;

/** The {@code --bootstrap-server} option every client command takes (a picocli mixin). */
public final class BootstrapOption {
    public static final String DEFAULT = "localhost:9092";

    @Option(names = {"--bootstrap-server", "-b"}, paramLabel = "HOST:PORT", defaultValue = DEFAULT,
            description = "Broker(s) to connect to, comma-separated (default: ${DEFAULT-VALUE}).")
    String bootstrapServer = DEFAULT;

    public String value() {
        return bootstrapServer;
    }
}
