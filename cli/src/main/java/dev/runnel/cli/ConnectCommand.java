package dev.runnel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code runnel connect standalone|distributed}: run a Connect worker. */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    description = "Run a Connect worker (connectors written to the Kafka Connect API).",
    subcommands = {ConnectStandaloneCommand.class, ConnectDistributedCommand.class})
final class ConnectCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: standalone or distributed");
  }
}
