package dev.runnel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code runnel group ...}: consumer groups. */
@Command(
    name = "group",
    mixinStandardHelpOptions = true,
    description = "List, describe, reset and delete consumer groups (members, assignment, offsets, lag).",
    subcommands = {
      GroupListCommand.class, GroupDescribeCommand.class, GroupResetOffsetsCommand.class, GroupDeleteCommand.class
    })
final class GroupCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}
