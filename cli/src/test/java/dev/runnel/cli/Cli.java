package dev.runnel.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs {@code runnel} in-process with the given stdin, capturing stdout, stderr and exit code. */
final class Cli {
  private Cli() {}

  static Result run(String... args) {
    return runWithInput("", args);
  }

  static Result runWithInput(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd =
        Runnel.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)))
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));
    int exitCode = cmd.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  record Result(int exitCode, String out, String err) {
    String describe() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }
}
