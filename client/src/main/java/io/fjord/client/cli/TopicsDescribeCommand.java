package io.fjord.client.cli;

import io.fjord.client.FjordAdmin;
import io.fjord.client.PartitionInfo;
import io.fjord.client.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code fjord topics describe [NAME]}: Kafka's layout, one topic line then one line per partition. */
@Command(name = "describe", description = "Describe one topic, or all.", mixinStandardHelpOptions = true)
public final class TopicsDescribeCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The topic (default: all).")
    String name;

    @Override
    protected int execute(PrintWriter out) {
        try (FjordAdmin admin = Admins.open(bootstrap)) {
            List<TopicDescription> topics = admin.describeTopics(name == null ? List.of() : List.of(name));
            topics.stream().sorted(Comparator.comparing(TopicDescription::name)).forEach(t -> print(out, t));
        }
        return 0;
    }

    static void print(PrintWriter out, TopicDescription t) {
        Map<String, String> sorted = new TreeMap<>(t.configs());
        out.println("Topic: " + t.name() + "\tTopicId: " + t.topicId() + "\tPartitionCount: " + t.partitions().size()
                + "\tReplicationFactor: " + t.replicationFactor() + "\tConfigs: " + sorted.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        for (PartitionInfo p : t.partitions()) {
            out.println("\tTopic: " + t.name() + "\tPartition: " + p.partition() + "\tLeader: "
                    + (p.leader() == null ? "none" : Integer.toString(p.leader().id()))
                    + "\tReplicas: " + join(p.replicas()) + "\tIsr: " + join(p.isr())
                    + (p.offlineReplicas().isEmpty() ? "" : "\tOffline: " + join(p.offlineReplicas())));
        }
    }

    private static String join(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
