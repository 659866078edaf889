package dev.runnel.cli;

import java.io.InputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code runnel} command. Subcommands do the work; alone it is a usage error. */
@Command(
    name = "runnel",
    mixinStandardHelpOptions = true,
    versionProvider = RunnelVersion.class,
    description = "Runnel, a distributed streaming platform.",
    subcommands = {
      DevCommand.class,
      NodeCommand.class,
      TopicCommand.class,
      ClusterCommand.class,
      RecordsCommand.class,
      PartitionCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      GroupCommand.class,
      PerfCommand.class,
      ConnectCommand.class,
      SqlCommand.class,
      SqlServerCommand.class
    })
public final class Runnel implements Runnable {
  private final InputStream stdin;

  @Spec CommandSpec spec;

  /** {@code stdin} is what {@code produce} reads; tests pass their own. */
  public Runnel(InputStream stdin) {
    this.stdin = stdin;
  }

  public static void main(String[] args) {
    LogLevels.applyDefault(args);
    System.exit(commandLine(System.in).execute(args));
  }

  /** The command line with Runnel's error handling; set out/err on it to capture output. */
  public static CommandLine commandLine(InputStream stdin) {
    ErrorReporter errors = new ErrorReporter();
    return new CommandLine(new Runnel(stdin))
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
  }

  InputStream stdin() {
    return stdin;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }
}
