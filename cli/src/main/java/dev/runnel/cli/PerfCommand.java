package dev.runnel.cli;

import dev.runnel.loadtest.ConsumePerf;
import dev.runnel.loadtest.GroupPerf;
import dev.runnel.loadtest.ProducePerf;
import dev.runnel.loadtest.bench.CompareCommand;
import dev.runnel.loadtest.bench.E2eCommand;
import dev.runnel.loadtest.bench.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code runnel perf ...}: the load generators of the loadtest module. */
@Command(
    name = "perf",
    mixinStandardHelpOptions = true,
    description = "Measure throughput and latency of a cluster.",
    subcommands = {
      ProducePerf.class,
      ConsumePerf.class,
      GroupPerf.class,
      E2eCommand.class,
      RunCommand.class,
      CompareCommand.class
    })
final class PerfCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}
