package io.fjord.client.cli;

import io.fjord.client.FjordAdmin;
import io.fjord.client.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code fjord topics create NAME --partitions P --replication-factor R [--config k=v]...}. */
@Command(name = "create", description = "Create a topic.", mixinStandardHelpOptions = true)
public final class TopicsCreateCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The topic name.")
    String name;

    @Option(names = "--partitions", paramLabel = "P",
            description = "Number of partitions (default: the broker's num.partitions).")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "R",
            description = "Replicas per partition (default: the broker's default.replication.factor).")
    int replicationFactor;

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "A topic config override (repeatable).")
    List<String> configs;

    @Override
    protected int execute(PrintWriter out) {
        if (partitions < 0 || replicationFactor < 0) {
            throw new IllegalArgumentException("--partitions and --replication-factor must be positive");
        }
        Map<String, String> overrides = ConfigPairs.parse(configs);
        try (FjordAdmin admin = Admins.open(bootstrap)) {
            Map<String, String> ids = admin.createTopics(List.of(new NewTopic(name, partitions, replicationFactor,
                    overrides)));
            out.println("Created topic " + name + " (id " + ids.getOrDefault(name, "?") + ").");
        }
        return 0;
    }
}
