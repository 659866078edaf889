package dev.runnel.cli;

import dev.runnel.proto.v1.ElectPreferredLeadersResponse;
import dev.runnel.proto.v1.PreferredLeaderElection;
import dev.runnel.sdk.Admin;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "elect-preferred-leaders",
    mixinStandardHelpOptions = true,
    description =
        "Move each partition's leadership to its preferred leader (the first replica) now, instead"
            + " of waiting for it to return by itself. Exits 1 if any partition could not move.")
final class ClusterElectLeadersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Option(names = "--topic", description = "Only this topic's partitions (default: every topic).")
  String topic = "";

  @Option(
      names = "--timeout-ms",
      description = "How long to wait for all partitions (default: ${DEFAULT-VALUE}).")
  long timeoutMs = 120_000;

  @Override
  public Integer call() {
    ElectPreferredLeadersResponse response;
    try (Admin admin = client.admin()) {
      response = admin.electPreferredLeaders(topic, timeoutMs);
    }
    PrintWriter out = spec.commandLine().getOut();
    TextTable table = new TextTable("TOPIC", "PARTITION", "PREFERRED LEADER", "OUTCOME");
    int moved = 0;
    int failed = 0;
    for (PreferredLeaderElection e : response.getElectionsList()) {
      String outcome =
          switch (e.getOutcome()) {
            case ALREADY_PREFERRED -> "already led by it";
            case MOVED -> "moved";
            default -> "FAILED: " + e.getError();
          };
      moved += e.getOutcome() == PreferredLeaderElection.Outcome.MOVED ? 1 : 0;
      failed += e.getOutcome() == PreferredLeaderElection.Outcome.FAILED ? 1 : 0;
      table.row(e.getTopic(), e.getPartition(), e.getPreferredLeader(), outcome);
    }
    table.print(out);
    out.printf("%d partition(s): %d moved, %d failed%n", response.getElectionsCount(), moved, failed);
    return failed == 0 ? 0 : 1;
  }
}
