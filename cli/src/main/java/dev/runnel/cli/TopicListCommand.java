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
    TextTable table = new TextTable("TOPIC", "PARTITIONS", "REPLICATION");
    try (Admin admin = client.admin()) {
      admin.listTopics().stream()
          .sorted(Comparator.comparing(TopicSummary::getName))
          .forEach(t -> table.row(t.getName(), t.getPartitions(), t.getReplicationFactor()));
    }
    table.print(spec.commandLine().getOut());
    return 0;
  }
}
