package io.fjord.client.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fjord topics create|list|describe|delete|alter}: the parent; prints usage when run alone. */
@Command(name = "topics", description = "Create, list, describe, alter and delete topics.",
        mixinStandardHelpOptions = true,
        subcommands = {TopicsCreateCommand.class, TopicsListCommand.class, TopicsDescribeCommand.class,
                TopicsDeleteCommand.class, TopicsAlterCommand.class})
public final class TopicsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: create, list, describe, delete, alter");
    }
}
