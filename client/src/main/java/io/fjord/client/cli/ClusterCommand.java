package io.fjord.client.cli;

import io.fjord.client.ClusterDescription;
import io.fjord.client.FjordAdmin;
import io.fjord.client.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Comparator;

/** {@code fjord cluster describe}: cluster id, active controller, brokers. */
@Command(name = "cluster", description = "Inspect the cluster.", mixinStandardHelpOptions = true,
        subcommands = ClusterCommand.Describe.class)
public final class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: describe");
    }

    /** {@code fjord cluster describe}. */
    @Command(name = "describe", description = "Show the cluster id, the active controller and the brokers.",
            mixinStandardHelpOptions = true)
    public static final class Describe extends ClientCommand {
        @Override
        protected int execute(PrintWriter out) {
            try (FjordAdmin admin = Admins.open(bootstrap)) {
                ClusterDescription cluster = admin.describeCluster();
                out.println("ClusterId: " + cluster.clusterId());
                out.println("Controller: " + (cluster.controllerId() < 0 ? "none" : cluster.controllerId()));
                out.println("Brokers:");
                cluster.brokers().stream().sorted(Comparator.comparingInt(Node::id)).forEach(n ->
                        out.println("\t" + n.id() + "\t" + n.address() + (n.rack() == null ? "" : "\track=" + n.rack())
                                + (cluster.fencedBrokerIds().contains(n.id()) ? "\t(fenced)" : "")));
            }
            return 0;
        }
    }
}
