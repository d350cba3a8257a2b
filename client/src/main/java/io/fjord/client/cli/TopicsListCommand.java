package io.fjord.client.cli;

import io.fjord.client.FjordAdmin;
import io.fjord.client.TopicListing;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;

/** {@code fjord topics list}: one topic name per line, sorted. */
@Command(name = "list", description = "List topic names.", mixinStandardHelpOptions = true)
public final class TopicsListCommand extends ClientCommand {
    @Override
    protected int execute(PrintWriter out) {
        try (FjordAdmin admin = Admins.open(bootstrap)) {
            List<TopicListing> topics = admin.listTopics();
            topics.stream().sorted(Comparator.comparing(TopicListing::name)).forEach(t -> out.println(t.name()));
        }
        return 0;
    }
}
