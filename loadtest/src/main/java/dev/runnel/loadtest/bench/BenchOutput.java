package dev.runnel.loadtest.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the perf run/e2e commands report, besides standard output. */
public final class BenchOutput {
  @Option(names = "--json", paramLabel = "FILE", description = "Also write the run's summary as JSON to FILE.")
  Path jsonFile;

  @Option(
      names = "--tsv",
      paramLabel = "FILE",
      description = "Also append one tab-separated line per phase to FILE (header first if new).")
  Path tsvFile;

  @Option(
      names = "--label",
      paramLabel = "TEXT",
      description = "Describes the system's setup in the report (e.g. 'kafka flush.messages=1').")
  String label;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Suffix of the fresh topic (default: the start time in base 36).")
  String runId;
}
