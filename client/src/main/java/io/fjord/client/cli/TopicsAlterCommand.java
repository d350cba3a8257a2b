package io.fjord.client.cli;

import io.fjord.client.FjordAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code fjord topics alter NAME [--partitions N] [--config k=v]... [--delete-config k]...}. */
@Command(name = "alter", description = "Add partitions to a topic or change its config overrides.",
        mixinStandardHelpOptions = true)
public final class TopicsAlterCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The topic to alter.")
    String name;

    @Option(names = "--partitions", paramLabel = "N", description = "The new total number of partitions.")
    Integer partitions;

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "Set a config override (repeatable).")
    List<String> configs;

    @Option(names = "--delete-config", paramLabel = "KEY",
            description = "Remove a config override, back to the default (repeatable).")
    List<String> deleteConfigs;

    @Override
    protected int execute(PrintWriter out) {
        Map<String, String> set = ConfigPairs.parse(configs);
        List<String> delete = deleteConfigs == null ? List.of() : deleteConfigs;
        if (partitions == null && set.isEmpty() && delete.isEmpty()) {
            throw new IllegalArgumentException("nothing to alter: give --partitions, --config or --delete-config");
        }
        try (FjordAdmin admin = Admins.open(bootstrap)) {
            if (partitions != null) {
                admin.createPartitions(name, partitions);
                out.println("Topic " + name + " now has " + partitions + " partitions.");
            }
            if (!set.isEmpty() || !delete.isEmpty()) {
                admin.alterTopicConfigs(name, set, delete);
                out.println("Updated the config of topic " + name + ".");
            }
        }
        return 0;
    }
}
