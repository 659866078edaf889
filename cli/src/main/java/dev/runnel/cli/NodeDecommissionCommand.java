package dev.runnel.cli;

import dev.runnel.sdk.Admin;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "decommission",
    mixinStandardHelpOptions = true,
    description =
        "Move every replica off a node (to the nodes holding the fewest), so it can be shut down"
            + " once `cluster describe` shows it holds none.")
final class NodeDecommissionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "ID")
  int node;

  @Override
  public Integer call() {
    try (Admin admin = client.admin()) {
      List<ReplicaMove> moves;
      try {
        moves = DecommissionPlan.of(admin.metadata(List.of()), node);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      for (ReplicaMove move : moves) {
        admin.reassignPartition(move.topic(), move.partition(), move.to());
        spec.commandLine().getOut().printf("%s-%d: %s -> %s%n", move.topic(), move.partition(), move.from(), move.to());
      }
      spec.commandLine().getOut().printf("node %d: %d replica(s) moving away%n", node, moves.size());
    }
    return 0;
  }
}
