package dev.runnel.cli;

import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.sdk.RunnelException;
import io.grpc.Status;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into exactly one {@code error: ...} line on stderr and an exit code: a
 * stack trace tells a user nothing they can act on, and one line is easy to grep in scripts.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
  /** A server, network or I/O failure. */
  static final int EXIT_FAILURE = 1;
  /** Bad arguments or configuration: the user must change the command. */
  static final int EXIT_USAGE = 2;

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    cmd.getErr().println(
        oneLine("error: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')"));
    return EXIT_USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
    if (e instanceof RunnelException re) {
      cmd.getErr().println(oneLine("error: " + describe(re, bootstrapOf(cmd))));
      return EXIT_FAILURE;
    }
    // Config and client-setting validation (NodeConfig, SDK builders) reject values this way.
    boolean usage = e instanceof IllegalArgumentException;
    cmd.getErr().println(oneLine("error: " + messageOf(e)));
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }

  /**
   * A RunnelException as the user should read it: led by the reason (or gRPC code when the node
   * sent none), with a hint where the node could not be reached at all.
   */
  static String describe(RunnelException e, String bootstrap) {
    String message = e.getMessage();
    String lead = e.reason() != ErrorReason.ERROR_REASON_UNSPECIFIED ? e.reason().name() : e.code().name();
    String line = message.startsWith(lead) ? message : lead + ": " + message;
    if (e.code() == Status.Code.UNAVAILABLE && e.reason() == ErrorReason.ERROR_REASON_UNSPECIFIED && bootstrap != null) {
      line += " (is a node running at " + bootstrap + "?)";
    }
    return line;
  }

  static String messageOf(Throwable e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String bootstrapOf(CommandLine cmd) {
    OptionSpec option = cmd.getCommandSpec().findOption("--bootstrap");
    return option == null ? null : option.getValue();
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
