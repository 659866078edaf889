package dev.runnel.sdk;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The consumer's assigned partitions and its next offset in each. A partition without a position
 * gets one from the group's committed offset or the reset policy before it is fetched. Owned by
 * the thread calling the consumer, like the consumer itself.
 */
final class SubscriptionState {
  private final Set<TopicPartition> assignment = new LinkedHashSet<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();

  /** Replaces the assignment; returns the partitions that were dropped. */
  List<TopicPartition> assign(Collection<TopicPartition> partitions) {
    Set<TopicPartition> next = new LinkedHashSet<>(partitions);
    List<TopicPartition> dropped = assignment.stream().filter(tp -> !next.contains(tp)).toList();
    assignment.clear();
    assignment.addAll(next);
    positions.keySet().retainAll(next);
    return dropped;
  }

  void add(Collection<TopicPartition> partitions) {
    assignment.addAll(partitions);
  }

  Set<TopicPartition> assignment() {
    return Set.copyOf(assignment);
  }

  /** Assigned partitions in a stable order, for fetching. */
  List<TopicPartition> assignedInOrder() {
    return List.copyOf(assignment);
  }

  boolean isAssigned(TopicPartition tp) {
    return assignment.contains(tp);
  }

  /** The next offset to read, or null when it still has to be looked up. */
  Long position(TopicPartition tp) {
    return positions.get(tp);
  }

  void seek(TopicPartition tp, long offset) {
    requireAssigned(tp);
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    positions.put(tp, offset);
  }

  List<TopicPartition> withoutPosition() {
    return assignment.stream().filter(tp -> !positions.containsKey(tp)).toList();
  }

  void requireAssigned(TopicPartition tp) {
    if (!assignment.contains(tp)) {
      throw new IllegalStateException(tp + " is not assigned to this consumer");
    }
  }
}
