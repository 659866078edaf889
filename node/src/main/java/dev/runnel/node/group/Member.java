package dev.runnel.node.group;

import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One member of a group as the coordinator sees it. Mutated only by its {@link Group}, on the
 * coordinator's thread.
 */
final class Member {
  final String memberId;
  final String staticMemberId;
  final String clientId;
  final int sessionTimeoutMs;
  final int rebalanceTimeoutMs;
  Set<String> topics;
  Pattern topicPattern;
  /** The member's stream; null while a static member is away. */
  MemberSink sink;
  long lastSeenMs;
  /** Where the assignor wants this member's partitions to end up. */
  SortedSet<TopicPartition> target = new TreeSet<>();
  /**
   * Partitions the member may hold, with the generation that gave each to it: everything sent
   * to it, until it acknowledges an assignment without them. May commit exactly these.
   */
  final SortedMap<TopicPartition, Long> owned = new TreeMap<>();
  /** The last assignment sent, and its generation (0: none yet). */
  SortedSet<TopicPartition> lastSent = Collections.emptySortedSet();
  long lastSentGeneration;
  /** While partitions are being revoked: when the member must have acknowledged; else MAX. */
  long revokeDeadlineMs = Long.MAX_VALUE;

  Member(
      String memberId,
      String staticMemberId,
      String clientId,
      int sessionTimeoutMs,
      int rebalanceTimeoutMs,
      Set<String> topics,
      Pattern topicPattern,
      MemberSink sink,
      long nowMs) {
    this.memberId = memberId;
    this.staticMemberId = staticMemberId;
    this.clientId = clientId;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.topics = topics;
    this.topicPattern = topicPattern;
    this.sink = sink;
    this.lastSeenMs = nowMs;
  }

  /** The subscribed topics that exist: the names listed plus those the pattern matches. */
  Set<String> resolve(Map<String, Integer> partitionCounts) {
    Set<String> resolved = new HashSet<>();
    for (String topic : topics) {
      if (partitionCounts.containsKey(topic)) {
        resolved.add(topic);
      }
    }
    if (topicPattern != null) {
      for (String topic : partitionCounts.keySet()) {
        if (topicPattern.matcher(topic).matches()) {
          resolved.add(topic);
        }
      }
    }
    return resolved;
  }

  /** Partitions it was asked to give up and has not acknowledged yet. */
  SortedSet<TopicPartition> revoking() {
    SortedSet<TopicPartition> revoking = new TreeSet<>(owned.keySet());
    revoking.removeAll(lastSent);
    return revoking;
  }

  boolean isStatic() {
    return !staticMemberId.isEmpty();
  }
}
