package dev.runnel.loadtest.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code perf run WORKLOAD.yaml}: runs a workload file (see loadtest/workloads/ and docs/benchmarks.md). */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run a workload file (YAML): produce, consume or end-to-end.")
public final class RunCommand implements Callable<Integer> {
  private final Function<String, BenchDriver> drivers;

  @Spec CommandSpec spec;

  @Mixin BenchOutput output;

  @Parameters(index = "0", paramLabel = "WORKLOAD", description = "The workload file, e.g. loadtest/workloads/a-produce-1k.yaml.")
  Path workloadFile;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:RUNNEL_BOOTSTRAP:-127.0.0.1:9400}",
      description = "Address of the cluster (env RUNNEL_BOOTSTRAP; default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override a workload key, e.g. --set durationS=10 (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--delete-topic",
      description = "Delete the run's topic afterwards (repeated runs then do not pile up partitions).")
  boolean deleteTopic;

  /** Runs against Runnel. */
  public RunCommand() {
    this(RunnelDriver::new);
  }

  /** Runs against whatever {@code drivers} connects to, given the bootstrap address (the Kafka driver). */
  public RunCommand(Function<String, BenchDriver> drivers) {
    this.drivers = drivers;
  }

  @Override
  public Integer call() throws Exception {
    Workload workload;
    try {
      workload = WorkloadParser.parseFile(workloadFile, overrides);
    } catch (WorkloadException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    return BenchRun.execute(spec, drivers, bootstrap, workload, output, deleteTopic);
  }
}
