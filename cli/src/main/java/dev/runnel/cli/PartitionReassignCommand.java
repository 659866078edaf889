package dev.runnel.cli;

import dev.runnel.sdk.Admin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "reassign",
    mixinStandardHelpOptions = true,
    description =
        "Move a partition's replicas to other nodes. New replicas copy the data, then the old ones"
            + " leave; `topic describe` shows when it is done.")
final class PartitionReassignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "TOPIC")
  String topic;

  @Option(names = "--partition", required = true, paramLabel = "P")
  int partition;

  @Option(
      names = "--replicas",
      required = true,
      split = ",",
      paramLabel = "ID,ID,...",
      description = "The node ids to hold the partition; the first is the preferred leader.")
  List<Integer> replicas = new ArrayList<>();

  @Override
  public Integer call() {
    try (Admin admin = client.admin()) {
      admin.reassignPartition(topic, partition, replicas);
    }
    spec.commandLine().getOut().printf("%s-%d is moving to nodes %s%n", topic, partition, replicas);
    return 0;
  }
}
