package dev.runnel.node.group;

import dev.runnel.node.RunnelError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The consumer groups this node coordinates: membership, generations, assignments, pending
 * revocations and commit fencing. A plain class with no gRPC or Raft: one thread calls it (see
 * {@link CoordinatorLoop}), time is passed in, members are reached through {@link MemberSink}s.
 */
public final class GroupCoordinator {
  private final GroupLimits limits;
  private final Supplier<String> memberIds;
  private final SortedMap<String, Group> groups = new TreeMap<>();
  /** Empty groups whose offsets an administrator is changing: nobody may join them meanwhile. */
  private final Set<String> reserved = new HashSet<>();
  /** The partition count of every existing topic, as last told by {@link #topicsChanged}. */
  private Map<String, Integer> partitionCounts = Map.of();
  private long rebalancesOfRemovedGroups;

  public GroupCoordinator(GroupLimits limits, Supplier<String> memberIds) {
    this.limits = limits;
    this.memberIds = memberIds;
  }

  /**
   * A member opened its stream: validates the request, adds the member (or hands a static
   * member's partitions to its new instance) and sends it its id and first assignment. Returns
   * the member id; throws RunnelError for bad input or a limit.
   */
  public String join(JoinSpec spec, MemberSink sink, long nowMs) {
    GroupErrors.checkGroupId(spec.group());
    Set<String> topics = checkTopics(spec.topics(), spec.topicPattern());
    Pattern pattern = compile(spec.topicPattern());
    checkId("static_member_id", spec.staticMemberId());
    checkId("client_id", spec.clientId());
    int sessionTimeoutMs = sessionTimeout(spec.sessionTimeoutMs());
    int rebalanceTimeoutMs = rebalanceTimeout(spec.rebalanceTimeoutMs());
    if (reserved.contains(spec.group())) {
      throw GroupErrors.reserved(spec.group());
    }
    Group group = groups.get(spec.group());
    Member old = group == null || spec.staticMemberId().isEmpty() ? null : group.byStaticId(spec.staticMemberId());
    if (group == null && groups.size() >= limits.groupsMax()) {
      throw GroupErrors.limitReached(
          "groups.max", limits.groupsMax(), "this coordinator already has " + groups.size() + " groups with members");
    }
    if (group != null && old == null && group.members().size() >= limits.membersPerGroupMax()) {
      throw GroupErrors.limitReached(
          "group.members.max",
          limits.membersPerGroupMax(),
          "group '" + spec.group() + "' already has " + group.members().size() + " members");
    }
    if (group == null) {
      group = new Group(spec.group());
      groups.put(spec.group(), group);
    }
    Member member =
        new Member(
            memberIds.get(),
            spec.staticMemberId(),
            spec.clientId(),
            sessionTimeoutMs,
            rebalanceTimeoutMs,
            topics,
            pattern,
            sink,
            nowMs);
    sink.joined(member.memberId, Math.max(1, sessionTimeoutMs / 3), sessionTimeoutMs, rebalanceTimeoutMs);
    if (old == null) {
      group.add(member, partitionCounts, nowMs);
    } else {
      // A newer instance wins over an old one that may still be running (a zombie must not
      // commit): the old one is told it was replaced.
      if (old.sink != null) {
        old.sink.close(GroupErrors.replaced(group.groupId, old.memberId, spec.staticMemberId()));
      }
      group.replaceStatic(old, member, partitionCounts, nowMs);
    }
    return member.memberId;
  }

  public void heartbeat(String groupId, String memberId, long nowMs) {
    requireMember(groupId, memberId).lastSeenMs = nowMs;
  }

  public void ack(String groupId, String memberId, long generation, long nowMs) {
    Member member = requireMember(groupId, memberId);
    member.lastSeenMs = nowMs;
    groups.get(groupId).ack(member, generation, nowMs);
  }

  public void changeSubscription(
      String groupId, String memberId, Collection<String> topics, String topicPattern, long nowMs) {
    Member member = requireMember(groupId, memberId);
    Set<String> checked = checkTopics(topics, topicPattern);
    Pattern pattern = compile(topicPattern);
    member.lastSeenMs = nowMs;
    groups.get(groupId).changeSubscription(member, checked, pattern, partitionCounts, nowMs);
  }

  /** The member left cleanly (or its stream ended normally): its partitions move at once. */
  public void leave(String groupId, String memberId, long nowMs) {
    remove(groupId, memberId, nowMs, "it left the group", null);
  }

  /**
   * The member's stream broke. A dynamic member is gone; a static member keeps its partitions,
   * unassigned to anyone else, until its session timeout passes without it coming back.
   */
  public void disconnected(String groupId, String memberId, long nowMs) {
    Group group = groups.get(groupId);
    Member member = group == null ? null : group.member(memberId);
    if (member == null) {
      return;
    }
    if (member.isStatic()) {
      member.sink = null;
    } else {
      remove(groupId, memberId, nowMs, "its stream ended", null);
    }
  }

  /** Removes members whose session or revocation deadline passed. */
  public void tick(long nowMs) {
    for (Group group : List.copyOf(groups.values())) {
      for (Map.Entry<String, String> expired : group.expired(nowMs)) {
        Member member = group.member(expired.getKey());
        remove(group.groupId, expired.getKey(), nowMs, expired.getValue(),
            GroupErrors.removed(group.groupId, member.memberId, expired.getValue()));
      }
    }
  }

  /** The existing topics and their partition counts changed: groups re-plan where it matters. */
  public void topicsChanged(Map<String, Integer> counts, long nowMs) {
    partitionCounts = Map.copyOf(counts);
    for (Group group : groups.values()) {
      group.topicsChanged(partitionCounts, nowMs);
    }
  }

  /**
   * Throws UNKNOWN_MEMBER / FENCED_MEMBER unless the commit may be applied: a member's commit
   * needs the member in the group, owning every partition, with a generation at least the one
   * that gave it the partition; a commit without member id needs the group to be empty.
   */
  public void checkCommit(String groupId, String memberId, long generation, Collection<TopicPartition> partitions) {
    Group group = groups.get(groupId);
    if (memberId.isEmpty()) {
      if (group != null && !group.members().isEmpty()) {
        throw GroupErrors.activeGroupNeedsMember(groupId);
      }
      return;
    }
    Member member = group == null ? null : group.member(memberId);
    if (member == null) {
      throw GroupErrors.unknownMember(groupId, memberId, "it left, missed its session timeout or was replaced");
    }
    for (TopicPartition tp : partitions) {
      Long since = member.owned.get(tp);
      if (since == null) {
        throw GroupErrors.fenced(groupId, memberId, tp, generation, "the member does not own it (any more)");
      }
      if (generation < since || generation > group.generation()) {
        throw GroupErrors.fenced(
            groupId, memberId, tp, generation,
            "stale generation: the member holds it since generation " + since + " (group is at " + group.generation() + ")");
      }
    }
  }

  /**
   * Keeps members out of the empty group {@code groupId} until {@link #release}, so that none
   * starts reading at a committed offset an administrator is about to change. Throws
   * GROUP_NOT_EMPTY when it has members (a static member that is away counts), or when another
   * administrative change of it is under way.
   *
   * @param action what the caller does, for the error message ("reset the offsets")
   */
  public void reserveEmpty(String groupId, String action) {
    GroupErrors.checkGroupId(groupId);
    Group group = groups.get(groupId);
    if (group != null && !group.members().isEmpty()) {
      throw GroupErrors.notEmpty(groupId, group.members().size(), action);
    }
    if (!reserved.add(groupId)) {
      throw GroupErrors.reserved(groupId);
    }
  }

  public void release(String groupId) {
    reserved.remove(groupId);
  }

  /** Ends every stream (this node stopped coordinating); members rejoin elsewhere. */
  public void closeAll(RunnelError error) {
    reserved.clear();
    for (Group group : groups.values()) {
      rebalancesOfRemovedGroups += group.rebalances();
      for (Member m : group.members().values()) {
        if (m.sink != null) {
          m.sink.close(error);
        }
      }
    }
    groups.clear();
  }

  /** Ends the streams of one group's members (this node stopped coordinating it). */
  public void closeGroup(String groupId, RunnelError error) {
    reserved.remove(groupId);
    Group group = groups.remove(groupId);
    if (group == null) {
      return;
    }
    rebalancesOfRemovedGroups += group.rebalances();
    for (Member m : group.members().values()) {
      if (m.sink != null) {
        m.sink.close(error);
      }
    }
  }

  /** The ids of the groups with members here. */
  public List<String> groupIds() {
    return List.copyOf(groups.keySet());
  }

  public GroupView describe(String groupId) {
    Group group = groups.get(groupId);
    return group == null ? GroupView.empty(groupId) : GroupView.of(group);
  }

  public List<GroupView> list() {
    List<GroupView> out = new ArrayList<>();
    groups.values().forEach(g -> out.add(GroupView.of(g)));
    return out;
  }

  public int groupCount() {
    return groups.size();
  }

  /** Group id → its member count, for every group with members. */
  public SortedMap<String, Integer> memberCounts() {
    SortedMap<String, Integer> out = new TreeMap<>();
    groups.forEach((id, group) -> out.put(id, group.members().size()));
    return out;
  }

  public int memberCount() {
    return groups.values().stream().mapToInt(g -> g.members().size()).sum();
  }

  /** Rebalances since start (of groups now gone too). */
  public long rebalances() {
    return rebalancesOfRemovedGroups + groups.values().stream().mapToLong(Group::rebalances).sum();
  }

  private void remove(String groupId, String memberId, long nowMs, String why, RunnelError error) {
    Group group = groups.get(groupId);
    Member member = group == null ? null : group.member(memberId);
    if (member == null) {
      return;
    }
    group.remove(memberId, partitionCounts, nowMs, why);
    if (member.sink != null) {
      member.sink.close(error);
    }
    if (group.members().isEmpty()) {
      rebalancesOfRemovedGroups += group.rebalances();
      groups.remove(groupId);
    }
  }

  private Member requireMember(String groupId, String memberId) {
    Group group = groups.get(groupId);
    Member member = group == null ? null : group.member(memberId);
    if (member == null) {
      throw GroupErrors.unknownMember(groupId, memberId, "it was removed");
    }
    return member;
  }

  private int sessionTimeout(int requestedMs) {
    if (requestedMs == 0) {
      return limits.sessionTimeoutMsDefault();
    }
    if (requestedMs < limits.sessionTimeoutMsMin() || requestedMs > limits.sessionTimeoutMsMax()) {
      throw RunnelError.invalidRequest(
          "session_timeout_ms must be between group.session.timeout.ms.min = " + limits.sessionTimeoutMsMin()
              + " and group.session.timeout.ms.max = " + limits.sessionTimeoutMsMax() + ", got " + requestedMs);
    }
    return requestedMs;
  }

  private int rebalanceTimeout(int requestedMs) {
    if (requestedMs == 0) {
      return limits.rebalanceTimeoutMsDefault();
    }
    if (requestedMs < GroupLimits.REBALANCE_TIMEOUT_MS_MIN || requestedMs > GroupLimits.REBALANCE_TIMEOUT_MS_MAX) {
      throw RunnelError.invalidRequest(
          "rebalance_timeout_ms must be between " + GroupLimits.REBALANCE_TIMEOUT_MS_MIN + " and "
              + GroupLimits.REBALANCE_TIMEOUT_MS_MAX + ", got " + requestedMs);
    }
    return requestedMs;
  }

  private static Set<String> checkTopics(Collection<String> topics, String pattern) {
    if (topics.isEmpty() && pattern.isEmpty()) {
      throw RunnelError.invalidRequest("subscribe to at least one topic (topics or topic_pattern)");
    }
    if (topics.size() > GroupLimits.SUBSCRIBED_TOPICS_MAX) {
      throw RunnelError.invalidRequest(
          "a member may list at most " + GroupLimits.SUBSCRIBED_TOPICS_MAX + " topics; use topic_pattern");
    }
    for (String topic : topics) {
      if (topic.isEmpty() || topic.length() > GroupLimits.ID_LENGTH_MAX) {
        throw RunnelError.invalidRequest("subscribed topic names must be 1..249 characters, got '" + topic + "'");
      }
    }
    return Set.copyOf(new LinkedHashSet<>(topics));
  }

  private static Pattern compile(String pattern) {
    if (pattern.isEmpty()) {
      return null;
    }
    if (pattern.length() > GroupLimits.TOPIC_PATTERN_LENGTH_MAX) {
      throw RunnelError.invalidRequest(
          "topic_pattern is limited to " + GroupLimits.TOPIC_PATTERN_LENGTH_MAX + " characters");
    }
    try {
      return Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw RunnelError.invalidRequest("topic_pattern is not a valid regular expression: " + e.getDescription());
    }
  }

  private static void checkId(String name, String value) {
    if (value.length() > GroupLimits.ID_LENGTH_MAX) {
      throw RunnelError.invalidRequest(name + " is limited to " + GroupLimits.ID_LENGTH_MAX + " characters");
    }
  }
}
