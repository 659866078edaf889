package dev.runnel.node.group;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** A snapshot of one group for DescribeGroup / ListGroups, safe to read on any thread. */
public record GroupView(String group, State state, long generation, List<MemberView> members) {
  /** Mirrors {@code Group.State}, public for the service layer. */
  public enum State { EMPTY, STABLE, RECONCILING }

  /** One member and the partitions it holds and is giving up. */
  public record MemberView(
      String memberId,
      String staticMemberId,
      String clientId,
      SortedSet<String> topics,
      String topicPattern,
      SortedSet<TopicPartition> assigned,
      SortedSet<TopicPartition> revoking,
      int sessionTimeoutMs,
      boolean connected) {}

  static GroupView empty(String group) {
    return new GroupView(group, State.EMPTY, 0, List.of());
  }

  static GroupView of(Group group) {
    List<MemberView> members = new ArrayList<>();
    for (Member m : group.members().values()) {
      SortedSet<TopicPartition> revoking = m.revoking();
      SortedSet<TopicPartition> assigned = new TreeSet<>(m.owned.keySet());
      assigned.removeAll(revoking);
      members.add(
          new MemberView(
              m.memberId,
              m.staticMemberId,
              m.clientId,
              new TreeSet<>(m.topics),
              m.topicPattern == null ? "" : m.topicPattern.pattern(),
              assigned,
              revoking,
              m.sessionTimeoutMs,
              m.sink != null));
    }
    return new GroupView(group.groupId, State.valueOf(group.state().name()), group.generation(), List.copyOf(members));
  }
}
