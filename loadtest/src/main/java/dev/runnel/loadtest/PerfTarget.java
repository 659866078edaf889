package dev.runnel.loadtest;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every perf command shares: where the cluster is, which topic, where to report. */
public final class PerfTarget {
  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:RUNNEL_BOOTSTRAP:-127.0.0.1:9400}",
      description = "Address of any node (env RUNNEL_BOOTSTRAP; default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Topic to use.")
  String topic;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the summary as JSON to FILE.")
  Path jsonFile;
}
