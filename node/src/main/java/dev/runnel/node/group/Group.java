package dev.runnel.node.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer group's membership and assignment: a pure state machine driven by {@link
 * GroupCoordinator} on its thread, with time passed in.
 *
 * <p>Incremental cooperative rebalancing: the {@link Assignor} computes each member's target; a
 * member is then sent what it keeps of its partitions plus the target partitions nobody holds. A
 * partition moving from A to B is thus first taken out of A's assignment; it stays A's (A may
 * still commit it) until A acknowledges that assignment, and only the next step gives it to B.
 * Members whose partitions do not change get no message at all.
 */
final class Group {
  private static final Logger LOG = LoggerFactory.getLogger(Group.class);

  /** EMPTY: no members; STABLE: everyone holds exactly its target; RECONCILING: partitions move. */
  enum State { EMPTY, STABLE, RECONCILING }

  final String groupId;
  private final SortedMap<String, Member> members = new TreeMap<>();
  private State state = State.EMPTY;
  /** Bumped for every assignment sent, so each assignment names one generation. */
  private long generation;
  private long rebalances;
  /** The partition counts of the subscribed topics when the target was last computed. */
  private Map<String, Integer> countsUsed = Map.of();

  Group(String groupId) {
    this.groupId = groupId;
  }

  State state() {
    return state;
  }

  long generation() {
    return generation;
  }

  /** How often the group went from settled (STABLE/EMPTY) to RECONCILING. */
  long rebalances() {
    return rebalances;
  }

  SortedMap<String, Member> members() {
    return members;
  }

  Member member(String memberId) {
    return members.get(memberId);
  }

  Member byStaticId(String staticMemberId) {
    for (Member m : members.values()) {
      if (m.staticMemberId.equals(staticMemberId)) {
        return m;
      }
    }
    return null;
  }

  void add(Member member, Map<String, Integer> partitionCounts, long nowMs) {
    members.put(member.memberId, member);
    rebalance(partitionCounts, nowMs, "member " + member.memberId + " joined");
  }

  /**
   * A new instance of a static member takes over: same target and partitions (minus the ones
   * being revoked, which the old instance can no longer commit anyway), no rebalance.
   */
  void replaceStatic(Member old, Member fresh, Map<String, Integer> partitionCounts, long nowMs) {
    members.remove(old.memberId);
    fresh.target = old.target;
    old.owned.forEach(
        (tp, gen) -> {
          if (old.target.contains(tp)) {
            fresh.owned.put(tp, gen);
          }
        });
    members.put(fresh.memberId, fresh);
    boolean sameSubscription =
        old.topics.equals(fresh.topics) && String.valueOf(old.topicPattern).equals(String.valueOf(fresh.topicPattern));
    if (sameSubscription) {
      converge(nowMs, "static member " + fresh.staticMemberId + " is back as " + fresh.memberId);
    } else {
      rebalance(partitionCounts, nowMs, "static member " + fresh.staticMemberId + " is back with a new subscription");
    }
  }

  void remove(String memberId, Map<String, Integer> partitionCounts, long nowMs, String why) {
    if (members.remove(memberId) != null) {
      rebalance(partitionCounts, nowMs, "member " + memberId + " left: " + why);
    }
  }

  void changeSubscription(
      Member member, Set<String> topics, java.util.regex.Pattern pattern, Map<String, Integer> counts, long nowMs) {
    member.topics = topics;
    member.topicPattern = pattern;
    rebalance(counts, nowMs, "member " + member.memberId + " changed its subscription");
  }

  /** The member applied the assignment of {@code ackedGeneration}: what it dropped is free now. */
  void ack(Member member, long ackedGeneration, long nowMs) {
    if (ackedGeneration != member.lastSentGeneration) {
      // An older assignment: the member will acknowledge the newer one too.
      return;
    }
    if (member.owned.keySet().retainAll(member.lastSent)) {
      converge(nowMs, "member " + member.memberId + " released partitions");
    }
    member.revokeDeadlineMs = Long.MAX_VALUE;
    updateState(nowMs, "acknowledged");
  }

  /** Re-runs the assignment when the subscribed topics were created, deleted or resized. */
  void topicsChanged(Map<String, Integer> partitionCounts, long nowMs) {
    if (!relevantCounts(partitionCounts).equals(countsUsed)) {
      rebalance(partitionCounts, nowMs, "subscribed topics changed");
    }
  }

  /** New targets for everyone, then the first step towards them. */
  void rebalance(Map<String, Integer> partitionCounts, long nowMs, String reason) {
    Map<String, Set<String>> subscriptions = new HashMap<>();
    Map<String, Set<TopicPartition>> current = new HashMap<>();
    for (Member m : members.values()) {
      subscriptions.put(m.memberId, m.resolve(partitionCounts));
      current.put(m.memberId, m.target);
    }
    countsUsed = relevantCounts(partitionCounts);
    Assignor.assign(subscriptions, partitionCounts, current)
        .forEach((memberId, target) -> members.get(memberId).target = target);
    converge(nowMs, reason);
  }

  private Map<String, Integer> relevantCounts(Map<String, Integer> partitionCounts) {
    Map<String, Integer> relevant = new TreeMap<>();
    for (Member m : members.values()) {
      for (String topic : m.resolve(partitionCounts)) {
        relevant.put(topic, partitionCounts.get(topic));
      }
    }
    return relevant;
  }

  /**
   * Sends each connected member whose assignment changes: the partitions it owns that stay in its
   * target, plus the target partitions no other member owns.
   */
  private void converge(long nowMs, String reason) {
    Map<TopicPartition, String> ownerOf = new HashMap<>();
    for (Member m : members.values()) {
      for (TopicPartition tp : m.owned.keySet()) {
        String previous = ownerOf.put(tp, m.memberId);
        if (previous != null) {
          throw new IllegalStateException(tp + " is owned by both " + previous + " and " + m.memberId);
        }
      }
    }
    for (Member m : members.values()) {
      if (m.sink == null) {
        continue;
      }
      SortedSet<TopicPartition> next = new TreeSet<>();
      for (TopicPartition tp : m.target) {
        String owner = ownerOf.get(tp);
        if (owner == null || owner.equals(m.memberId)) {
          next.add(tp);
        }
      }
      if (next.equals(m.lastSent) && m.lastSentGeneration > 0) {
        continue;
      }
      send(m, next, ownerOf, nowMs);
    }
    updateState(nowMs, reason);
  }

  private void send(Member m, SortedSet<TopicPartition> next, Map<TopicPartition, String> ownerOf, long nowMs) {
    generation++;
    for (TopicPartition tp : next) {
      if (m.owned.putIfAbsent(tp, generation) == null) {
        ownerOf.put(tp, m.memberId);
      }
    }
    m.lastSent = next;
    m.lastSentGeneration = generation;
    boolean revokes = m.owned.size() > next.size();
    if (!revokes) {
      m.revokeDeadlineMs = Long.MAX_VALUE;
    } else if (m.revokeDeadlineMs == Long.MAX_VALUE) {
      m.revokeDeadlineMs = nowMs + m.rebalanceTimeoutMs;
    }
    m.sink.assignment(generation, next);
  }

  /** Resends the current assignment to a member whose stream (re)opened. */
  void sendCurrent(Member m, long nowMs) {
    m.lastSentGeneration = 0;
    converge(nowMs, "member " + m.memberId + " (re)connected");
  }

  /** Members whose session or revocation deadline passed, with the reason. */
  List<Map.Entry<String, String>> expired(long nowMs) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (Member m : members.values()) {
      if (nowMs - m.lastSeenMs > m.sessionTimeoutMs) {
        out.add(Map.entry(m.memberId, "no heartbeat within session_timeout_ms = " + m.sessionTimeoutMs));
      } else if (nowMs > m.revokeDeadlineMs) {
        out.add(
            Map.entry(
                m.memberId,
                "it did not acknowledge a revocation within rebalance_timeout_ms = " + m.rebalanceTimeoutMs));
      }
    }
    return out;
  }

  private void updateState(long nowMs, String reason) {
    State next;
    if (members.isEmpty()) {
      next = State.EMPTY;
    } else {
      boolean settled = true;
      for (Member m : members.values()) {
        settled &= m.owned.keySet().equals(m.target) && (m.sink == null || m.lastSent.equals(m.target));
      }
      next = settled ? State.STABLE : State.RECONCILING;
    }
    state(next, nowMs, reason);
  }

  /** The one place the group's state changes: checks the transition, logs it, counts rebalances. */
  private void state(State next, long nowMs, String reason) {
    if (next == state) {
      return;
    }
    if (next == State.RECONCILING) {
      rebalances++;
    }
    LOG.info("group {}: {} -> {} at generation {} ({}) t={}", groupId, state, next, generation, reason, nowMs);
    state = next;
  }
}
