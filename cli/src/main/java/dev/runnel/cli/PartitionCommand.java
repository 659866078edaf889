package dev.runnel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code runnel partition ...}: operations on one partition. */
@Command(
    name = "partition",
    mixinStandardHelpOptions = true,
    description = "Operate on a partition.",
    subcommands = {PartitionReassignCommand.class})
final class PartitionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}
