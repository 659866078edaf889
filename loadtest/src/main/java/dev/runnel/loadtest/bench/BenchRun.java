package dev.runnel.loadtest.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** What {@code perf run} and {@code perf e2e} share: run a workload, report it, pick the exit code. */
final class BenchRun {
  private BenchRun() {}

  /** 0: clean run; 1: sends failed or records were not read back. */
  static int execute(
      CommandSpec spec,
      Function<String, BenchDriver> drivers,
      String bootstrap,
      Workload workload,
      BenchOutput output,
      boolean deleteTopic)
      throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    String runId = output.runId != null ? output.runId : Long.toString(System.currentTimeMillis(), 36);
    if (!runId.matches("[a-zA-Z0-9._-]{1,40}")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--run-id must be 1-40 characters of [a-zA-Z0-9._-]");
    }
    RunReport report;
    try (BenchDriver driver = drivers.apply(bootstrap)) {
      String label = output.label != null ? output.label : driver.system();
      report = new WorkloadRunner(driver, spec.commandLine().getErr()).run(workload, label, runId);
      if (deleteTopic) {
        driver.deleteTopic(report.topic());
      }
    }
    report.print(out);
    if (output.jsonFile != null) {
      report.writeJson(output.jsonFile);
    }
    if (output.tsvFile != null) {
      report.appendTsv(output.tsvFile);
    }
    return report.ok() ? 0 : 1;
  }
}
