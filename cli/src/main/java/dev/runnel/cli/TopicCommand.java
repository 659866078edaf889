package dev.runnel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code runnel topic ...}: the topic administration subcommands. */
@Command(
    name = "topic",
    mixinStandardHelpOptions = true,
    description = "Create, list, describe, alter and delete topics.",
    subcommands = {
      TopicCreateCommand.class,
      TopicListCommand.class,
      TopicDescribeCommand.class,
      TopicAlterCommand.class,
      TopicDeleteCommand.class
    })
final class TopicCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}
