package dev.runnel.cli;

import dev.runnel.sdk.Admin;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "rebalance",
    mixinStandardHelpOptions = true,
    description =
        "Even out replicas over the nodes (e.g. after adding nodes): moves replicas from the"
            + " busiest to the idlest nodes until counts differ by at most one.")
final class ClusterRebalanceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Option(names = "--dry-run", description = "Print the moves without making them.")
  boolean dryRun;

  @Override
  public Integer call() {
    try (Admin admin = client.admin()) {
      List<ReplicaMove> moves = RebalancePlan.of(admin.metadata(List.of()));
      for (ReplicaMove move : moves) {
        if (!dryRun) {
          admin.reassignPartition(move.topic(), move.partition(), move.to());
        }
        spec.commandLine().getOut().printf("%s-%d: %s -> %s%n", move.topic(), move.partition(), move.from(), move.to());
      }
      spec.commandLine().getOut().printf(
          "%d partition(s) %s%n", moves.size(), dryRun ? "would move" : "moving; `cluster describe` shows progress");
    }
    return 0;
  }
}
