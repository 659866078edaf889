package dev.runnel.cli;

import dev.runnel.proto.v1.PartitionDescription;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.sdk.Admin;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = "Show a topic's partitions (leader, replicas, offsets, size) and configs.")
final class TopicDescribeCommand implements Callable<Integer> {
  /** The leader id a partition reports while it has no elected leader. */
  private static final int NO_LEADER = -1;

  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    TopicDescription topic;
    try (Admin admin = client.admin()) {
      topic = admin.describeTopic(name);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "topic %s (id %s), %d partitions, replication factor %d%n",
        topic.getName(), topic.getTopicId(), topic.getPartitionsCount(), topic.getReplicationFactor());
    TextTable table =
        new TextTable(
            "PARTITION", "LEADER", "REPLICAS", "REPLICA LAG", "LOG START", "HIGH WATERMARK", "SIZE BYTES");
    for (PartitionDescription p : topic.getPartitionsList()) {
      table.row(
          p.getPartition(),
          p.getLeaderId() == NO_LEADER ? "none" : p.getLeaderId(),
          p.getReplicasList().stream().map(String::valueOf).collect(Collectors.joining(",")),
          replicaLag(p),
          orUnknown(p.getLogStartOffset()),
          orUnknown(p.getHighWatermark()),
          orUnknown(p.getSizeBytes()));
    }
    table.print(out);
    out.println("configs:");
    for (Map.Entry<String, String> config : new TreeMap<>(topic.getConfigsMap()).entrySet()) {
      out.printf("  %s=%s%n", config.getKey(), config.getValue());
    }
    return 0;
  }

  /** "node:entries behind" per replica, as the leader reports it; "-" when it was not asked. */
  private static String replicaLag(PartitionDescription p) {
    if (p.getReplicaStatesCount() == 0) {
      return "-";
    }
    return p.getReplicaStatesList().stream()
        .map(r -> r.getNodeId() + ":" + (r.getLagEntries() < 0 ? "?" : Long.toString(r.getLagEntries())))
        .collect(Collectors.joining(","));
  }

  /** The node that answered holds no replica of the partition: it cannot know its log. */
  private static Object orUnknown(long value) {
    return value < 0 ? "?" : value;
  }
}
