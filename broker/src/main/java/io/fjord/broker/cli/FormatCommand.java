package io.fjord.broker.cli;

import io.fjord.quorum.config.DirectoryIds;
import io.fjord.quorum.config.Voter;
import io.fjord.quorum.config.VoterSet;
import io.fjord.storage.manager.Formatter;
import io.fjord.storage.manager.MetaProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fjord format}: writes {@code meta.properties} into each log directory before a node's first start; with
 * {@code --initial-controllers}, also the quorum's voter set into the first (the metadata log directory).
 */
@Command(name = "format", mixinStandardHelpOptions = true,
        description = "Format log directories for a node (required before its first start).")
final class FormatCommand implements Callable<Integer> {
    @Option(names = "--cluster-id", required = true,
            description = "The cluster's id: the same on every node (make one with 'fjord random-id').")
    String clusterId;

    @Option(names = "--node-id", required = true, description = "This node's id (node.id).")
    int nodeId;

    @Option(names = "--log-dir", required = true, split = ",",
            description = "Log directories to format (repeat or separate with commas); the first holds the metadata log.")
    List<Path> logDirs;

    @Option(names = "--initial-controllers",
            description = "The metadata quorum's voters, as id@host:port:directoryId,... (the same on every node; a"
                    + " directory id per controller from 'fjord random-id'). A listed node's metadata directory gets"
                    + " its listed directory id. Never re-use a directory id for a new disk: to replace a controller's"
                    + " lost disk, format only that node, listing a NEW directory id for it (the other voters keep"
                    + " theirs); the quorum then treats it as an observer, never as the voter whose votes it lost.")
    String initialControllers;

    @Override
    public Integer call() {
        SecureRandom random = new SecureRandom();
        VoterSet voters = initialControllers == null ? null : VoterSet.parse(initialControllers);
        Path metadataDir = logDirs.get(0);
        if (voters != null && java.nio.file.Files.exists(metadataDir.resolve(VoterSet.FILE_NAME))
                && !VoterSet.read(metadataDir).equals(voters)) {
            throw new IllegalArgumentException(metadataDir + " already holds the voter set " + VoterSet.read(metadataDir)
                    + "; refusing to replace it with " + voters + " (a voter set is fixed when a node is formatted)");
        }
        for (int i = 0; i < logDirs.size(); i++) {
            Path dir = logDirs.get(i);
            Voter self = voters == null || i > 0 ? null : voters.voters().get(nodeId);
            Formatter.Outcome outcome = self == null ? Formatter.format(dir, clusterId, nodeId, random)
                    : Formatter.format(dir, clusterId, nodeId, DirectoryIds.format(self.directoryId()));
            System.out.println((outcome == Formatter.Outcome.FORMATTED ? "Formatted " : "Already formatted ") + dir
                    + " for cluster " + clusterId + ", node " + nodeId);
        }
        if (voters != null) {
            voters.write(logDirs.get(0));
            System.out.println("Metadata quorum voters " + voters + " written to " + logDirs.get(0));
        }
        return 0;
    }

    /** {@code fjord random-id}: prints a new id for {@code --cluster-id} or a directory id. */
    @Command(name = "random-id", mixinStandardHelpOptions = true,
            description = "Print a new random id (for --cluster-id, or a controller's directory id).")
    static final class RandomId implements Runnable {
        @Override
        public void run() {
            System.out.println(MetaProperties.randomId(new SecureRandom()));
        }
    }
}
