package dev.runnel.cli;

import dev.runnel.sdk.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Delete a partition's records below an offset (the log start offset moves there).")
final class RecordsDeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "TOPIC")
  String topic;

  @Option(names = "--partition", required = true, paramLabel = "P")
  int partition;

  @Option(
      names = "--before-offset",
      required = true,
      paramLabel = "O",
      description = "Delete records with offsets below O; -1 = everything up to the high watermark.")
  long beforeOffset;

  @Override
  public Integer call() {
    long logStart;
    try (Admin admin = client.admin()) {
      logStart = admin.deleteRecords(topic, partition, beforeOffset);
    }
    spec.commandLine().getOut().printf("%s-%d now starts at offset %d%n", topic, partition, logStart);
    return 0;
  }
}
