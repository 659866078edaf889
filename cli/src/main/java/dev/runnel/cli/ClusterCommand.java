package dev.runnel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code runnel cluster ...}: cluster-wide views and operations. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Inspect the cluster.",
    subcommands = {
      ClusterDescribeCommand.class,
      ClusterRebalanceCommand.class,
      ClusterElectLeadersCommand.class
    })
final class ClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}
