package dev.runnel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code runnel records ...}: operations on stored records. */
@Command(
    name = "records",
    mixinStandardHelpOptions = true,
    description = "Operate on stored records.",
    subcommands = {RecordsDeleteCommand.class})
final class RecordsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}
