package dev.runnel.cli;

import dev.runnel.proto.v1.DescribeGroupResponse;
import dev.runnel.proto.v1.GroupMember;
import dev.runnel.proto.v1.GroupState;
import dev.runnel.proto.v1.PartitionLag;
import dev.runnel.proto.v1.TopicPartition;
import dev.runnel.sdk.Admin;
import java.io.PrintWriter;
import java.util.List;
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
    description = "Show a group's members and, per partition, owner, committed offset, end offset and lag.")
final class GroupDescribeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "GROUP")
  String group;

  @Override
  public Integer call() {
    DescribeGroupResponse g;
    try (Admin admin = client.admin()) {
      g = admin.describeGroup(group);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "group %s: %s, %d members, generation %d, coordinator node %d%n",
        g.getGroup(), state(g.getState()), g.getMembersCount(), g.getGeneration(), g.getCoordinatorId());
    if (g.getMembersCount() > 0) {
      TextTable members = new TextTable("MEMBER", "STATIC ID", "CLIENT", "TOPICS", "ASSIGNED", "REVOKING");
      for (GroupMember m : g.getMembersList()) {
        String topics = String.join(",", m.getTopicsList()) + (m.getTopicPattern().isEmpty() ? "" : " /" + m.getTopicPattern() + "/");
        members.row(
            m.getMemberId() + (m.getConnected() ? "" : " (away)"),
            m.getStaticMemberId().isEmpty() ? "-" : m.getStaticMemberId(),
            m.getClientId().isEmpty() ? "-" : m.getClientId(),
            topics,
            partitions(m.getAssignedList()),
            partitions(m.getRevokingList()));
      }
      members.print(out);
    }
    TextTable partitions = new TextTable("TOPIC", "PARTITION", "MEMBER", "COMMITTED", "END OFFSET", "LAG");
    for (PartitionLag p : g.getPartitionsList()) {
      partitions.row(
          p.getTopic(),
          p.getPartition(),
          p.getMemberId().isEmpty() ? "-" : p.getMemberId(),
          unknownIfNegative(p.getCommittedOffset()),
          unknownIfNegative(p.getEndOffset()),
          unknownIfNegative(p.getLag()));
    }
    partitions.print(out);
    return 0;
  }

  static String state(GroupState state) {
    return switch (state) {
      case GROUP_STATE_EMPTY -> "empty";
      case GROUP_STATE_STABLE -> "stable";
      case GROUP_STATE_RECONCILING -> "reconciling";
      default -> "unknown";
    };
  }

  private static String partitions(List<TopicPartition> tps) {
    return tps.isEmpty() ? "-" : tps.stream().map(tp -> tp.getTopic() + "-" + tp.getPartition()).collect(Collectors.joining(","));
  }

  private static Object unknownIfNegative(long value) {
    return value < 0 ? "-" : value;
  }
}
