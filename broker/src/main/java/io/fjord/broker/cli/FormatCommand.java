package io.fjord.broker.cli;

import io.fjord.storage.manager.Formatter;
import io.fjord.storage.manager.MetaProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fjord format}: writes {@code meta.properties} into each log directory before a node's first start. */
@Command(name = "format", mixinStandardHelpOptions = true,
        description = "Format log directories for a node (required before its first start).")
final class FormatCommand implements Callable<Integer> {
    @Option(names = "--cluster-id", required = true,
            description = "The cluster's id: the same on every node (make one with 'fjord random-id').")
    String clusterId;

    @Option(names = "--node-id", required = true, description = "This node's id (fjord.node.id).")
    int nodeId;

    @Option(names = "--log-dir", required = true, split = ",",
            description = "Log directories to format (repeat or separate with commas).")
    List<Path> logDirs;

    @Override
    public Integer call() {
        SecureRandom random = new SecureRandom();
        for (Path dir : logDirs) {
            Formatter.Outcome outcome = Formatter.format(dir, clusterId, nodeId, random);
            System.out.println((outcome == Formatter.Outcome.FORMATTED ? "Formatted " : "Already formatted ") + dir
                    + " for cluster " + clusterId + ", node " + nodeId);
        }
        return 0;
    }

    /** {@code fjord random-id}: prints a new id for {@code --cluster-id}. */
    @Command(name = "random-id", mixinStandardHelpOptions = true, description = "Print a new random cluster id.")
    static final class RandomId implements Runnable {
        @Override
        public void run() {
            System.out.println(MetaProperties.randomId(new SecureRandom()));
        }
    }
}
