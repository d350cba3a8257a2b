package io.fjord.client.cli;

import io.fjord.client.FjordAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/** {@code fjord topics delete NAME}. */
@Command(name = "delete", description = "Delete a topic and its data.", mixinStandardHelpOptions = true)
public final class TopicsDeleteCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The topic to delete.")
    String name;

    @Override
    protected int execute(PrintWriter out) {
        try (FjordAdmin admin = Admins.open(bootstrap)) {
            admin.deleteTopics(List.of(name));
            out.println("Deleted topic " + name + ".");
        }
        return 0;
    }
}
