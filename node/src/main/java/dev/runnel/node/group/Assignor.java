package dev.runnel.node.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes a group's target assignment: every partition of every subscribed topic goes to exactly
 * one member that subscribes to its topic. Pure and deterministic (same input, same output).
 *
 * <p>Sticky: a partition stays with its current owner unless balance needs it elsewhere.
 * Balanced: when member B could take a partition of member A (B subscribes to its topic), A holds
 * at most one partition more than B; so members with the same subscriptions differ by at most one.
 */
public final class Assignor {
  private Assignor() {}

  /**
   * @param subscriptions member id → the topics it subscribes to (resolved names)
   * @param partitionCounts topic → its partition count; topics missing here do not exist (yet)
   * @param current member id → the partitions it holds now (may name gone members or partitions)
   * @return member id → target partitions, with an entry (maybe empty) for every member
   */
  public static SortedMap<String, SortedSet<TopicPartition>> assign(
      Map<String, Set<String>> subscriptions,
      Map<String, Integer> partitionCounts,
      Map<String, ? extends Set<TopicPartition>> current) {
    SortedMap<String, SortedSet<TopicPartition>> target = new TreeMap<>();
    subscriptions.keySet().forEach(member -> target.put(member, new TreeSet<>()));
    Set<TopicPartition> placed = new HashSet<>();
    // 1. Keep what owners still may hold: a live member that subscribes to an existing partition.
    // In member-id order, so a partition claimed twice (a bug upstream) deterministically stays
    // with the first claimant.
    for (String member : new TreeSet<>(current.keySet())) {
      Set<String> topics = subscriptions.get(member);
      if (topics == null) {
        continue;
      }
      for (TopicPartition tp : new TreeSet<>(current.get(member))) {
        if (topics.contains(tp.topic()) && exists(tp, partitionCounts) && placed.add(tp)) {
          target.get(member).add(tp);
        }
      }
    }
    // 2. Give every free partition to the least-loaded member that may take it.
    for (TopicPartition tp : subscribedPartitions(subscriptions, partitionCounts)) {
      if (placed.add(tp)) {
        String taker = leastLoaded(target, subscriptions, tp.topic());
        target.get(taker).add(tp);
      }
    }
    // 3. Move partitions from the most to the least loaded until no move improves balance.
    // Each move lowers the sum of squared counts, so this ends.
    while (moveOne(target, subscriptions)) {
      // keep moving
    }
    return target;
  }

  private static boolean exists(TopicPartition tp, Map<String, Integer> partitionCounts) {
    Integer count = partitionCounts.get(tp.topic());
    return count != null && tp.partition() >= 0 && tp.partition() < count;
  }

  private static SortedSet<TopicPartition> subscribedPartitions(
      Map<String, Set<String>> subscriptions, Map<String, Integer> partitionCounts) {
    SortedSet<TopicPartition> all = new TreeSet<>();
    subscriptions.values().stream()
        .flatMap(Set::stream)
        .distinct()
        .filter(partitionCounts::containsKey)
        .forEach(
            topic -> {
              for (int p = 0; p < partitionCounts.get(topic); p++) {
                all.add(new TopicPartition(topic, p));
              }
            });
    return all;
  }

  private static String leastLoaded(
      SortedMap<String, SortedSet<TopicPartition>> target,
      Map<String, Set<String>> subscriptions,
      String topic) {
    String best = null;
    for (Map.Entry<String, SortedSet<TopicPartition>> e : target.entrySet()) {
      if (subscriptions.get(e.getKey()).contains(topic)
          && (best == null || e.getValue().size() < target.get(best).size())) {
        best = e.getKey();
      }
    }
    if (best == null) {
      throw new IllegalStateException("no member subscribes to " + topic);
    }
    return best;
  }

  /** Moves one partition from a member to one holding at least two fewer; false if none can. */
  private static boolean moveOne(
      SortedMap<String, SortedSet<TopicPartition>> target, Map<String, Set<String>> subscriptions) {
    Comparator<String> byLoad =
        Comparator.<String>comparingInt(m -> target.get(m).size()).thenComparing(m -> m);
    List<String> ascending = new ArrayList<>(target.keySet());
    ascending.sort(byLoad);
    for (int i = ascending.size() - 1; i > 0; i--) {
      String giver = ascending.get(i);
      for (String taker : ascending) {
        if (target.get(giver).size() <= target.get(taker).size() + 1) {
          break;
        }
        // Deterministic choice: the giver's highest partition the taker may hold.
        for (TopicPartition tp : descending(target.get(giver))) {
          if (subscriptions.get(taker).contains(tp.topic())) {
            target.get(giver).remove(tp);
            target.get(taker).add(tp);
            return true;
          }
        }
      }
    }
    return false;
  }

  private static Iterable<TopicPartition> descending(SortedSet<TopicPartition> partitions) {
    return ((TreeSet<TopicPartition>) partitions).descendingSet();
  }
}
