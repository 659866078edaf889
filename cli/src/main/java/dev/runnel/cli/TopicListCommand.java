package dev.runnel.cli;

import dev.runnel.proto.v1.TopicSummary;
import dev.runnel.sdk.Admin;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List topics.")
final class TopicListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    // INTERNAL: __consumer_offsets, written by the group coordinators only.
    TextTable table = new TextTable("TOPIC", "PARTITIONS", "REPLICATION", "INTERNAL");
    try (Admin admin = client.admin()) {
      admin.listTopics().stream()
          .sorted(Comparator.comparing(TopicSummary::getName))
          .forEach(t -> table.row(t.getName(), t.getPartitions(), t.getReplicationFactor(), t.getInternal() ? "yes" : ""));
    }
    table.print(spec.commandLine().getOut());
    return 0;
  }
}
