package dev.runnel.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class AssignorTest {
  private static final long SEED = 20240611L;

  @Test
  void threeMembersOverSixPartitionsGetTwoEach_andAFourthTakesOnlyOne() {
    Map<String, Set<String>> subs = new HashMap<>();
    for (String m : List.of("a", "b", "c")) {
      subs.put(m, Set.of("t"));
    }
    SortedMap<String, SortedSet<TopicPartition>> first = Assignor.assign(subs, Map.of("t", 6), Map.of());
    first.values().forEach(ps -> assertEquals(2, ps.size(), first.toString()));

    subs.put("d", Set.of("t"));
    SortedMap<String, SortedSet<TopicPartition>> second = Assignor.assign(subs, Map.of("t", 6), first);
    assertEquals(1, second.get("d").size(), second.toString());
    assertEquals(1, moved(first, second), "only the partition the newcomer takes moves");
  }

  @Test
  void aLeavingMembersPartitionsGoToTheOthersAndNothingElseMoves() {
    Map<String, Set<String>> subs = new HashMap<>();
    for (String m : List.of("a", "b", "c")) {
      subs.put(m, Set.of("t"));
    }
    SortedMap<String, SortedSet<TopicPartition>> first = Assignor.assign(subs, Map.of("t", 6), Map.of());
    subs.remove("b");
    SortedMap<String, SortedSet<TopicPartition>> second = Assignor.assign(subs, Map.of("t", 6), first);
    assertEquals(3, second.get("a").size());
    assertEquals(3, second.get("c").size());
    assertTrue(second.get("a").containsAll(first.get("a")));
    assertTrue(second.get("c").containsAll(first.get("c")));
  }

  @Test
  void missingTopicsAndGonePartitionsAreLeftOut() {
    Map<String, Set<String>> subs = Map.of("a", Set.of("t", "not-yet"));
    Map<String, Set<TopicPartition>> current =
        Map.of("a", Set.of(new TopicPartition("t", 5)), "gone", Set.of(new TopicPartition("t", 0)));
    var out = Assignor.assign(subs, Map.of("t", 2), current);
    assertEquals(new TreeSet<>(Set.of(new TopicPartition("t", 0), new TopicPartition("t", 1))), out.get("a"));
    assertEquals(Set.of("a"), out.keySet());
  }

  /** Seeded random groups, each evolved through joins, leaves and subscription changes. */
  @Test
  void randomGroupsStayValidBalancedAndSticky() {
    Random random = new Random(SEED);
    for (int round = 0; round < 300; round++) {
      String context = "seed " + SEED + " round " + round;
      Map<String, Integer> counts = new HashMap<>();
      int topicCount = 1 + random.nextInt(4);
      for (int t = 0; t < topicCount; t++) {
        counts.put("t" + t, 1 + random.nextInt(12));
      }
      Map<String, Set<String>> subs = new HashMap<>();
      SortedMap<String, SortedSet<TopicPartition>> assignment = new TreeMap<>();
      for (int step = 0; step < 8; step++) {
        mutate(random, subs, counts.keySet());
        SortedMap<String, SortedSet<TopicPartition>> next = Assignor.assign(subs, counts, assignment);
        String where = context + " step " + step + " subs " + subs + " -> " + next;
        checkValid(subs, counts, next, where);
        checkBalanced(subs, next, where);
        assertEquals(next, Assignor.assign(subs, counts, next), "stable on its own output: " + where);
        assertEquals(next, Assignor.assign(subs, counts, assignment), "deterministic: " + where);
        checkSticky(subs, counts, assignment, next, where);
        assignment = next;
      }
    }
  }

  private static void mutate(Random random, Map<String, Set<String>> subs, Set<String> topics) {
    List<String> topicList = new ArrayList<>(new TreeSet<>(topics));
    int action = random.nextInt(4);
    if (action <= 1 || subs.isEmpty()) {
      Set<String> chosen = new HashSet<>();
      // Half the members share one subscription, so the "same topics" rule is exercised often.
      if (random.nextBoolean()) {
        chosen.addAll(topicList);
      } else {
        chosen.add(topicList.get(random.nextInt(topicList.size())));
        chosen.add(topicList.get(random.nextInt(topicList.size())));
      }
      subs.put("m" + random.nextInt(1_000_000), chosen);
    } else if (action == 2) {
      List<String> members = new ArrayList<>(new TreeSet<>(subs.keySet()));
      subs.remove(members.get(random.nextInt(members.size())));
    } else {
      List<String> members = new ArrayList<>(new TreeSet<>(subs.keySet()));
      subs.put(members.get(random.nextInt(members.size())), Set.of(topicList.get(random.nextInt(topicList.size()))));
    }
  }

  private static void checkValid(
      Map<String, Set<String>> subs,
      Map<String, Integer> counts,
      Map<String, SortedSet<TopicPartition>> out,
      String where) {
    assertEquals(subs.keySet(), out.keySet(), where);
    Set<TopicPartition> seen = new HashSet<>();
    out.forEach(
        (member, partitions) -> {
          for (TopicPartition tp : partitions) {
            assertTrue(subs.get(member).contains(tp.topic()), "owner subscribes: " + where);
            assertTrue(seen.add(tp), "one owner per partition: " + where);
          }
        });
    Set<String> subscribed = new HashSet<>();
    subs.values().forEach(subscribed::addAll);
    int expected = subscribed.stream().mapToInt(counts::get).sum();
    assertEquals(expected, seen.size(), "every subscribed partition is assigned: " + where);
  }

  private static void checkBalanced(
      Map<String, Set<String>> subs, Map<String, SortedSet<TopicPartition>> out, String where) {
    for (String a : out.keySet()) {
      for (String b : out.keySet()) {
        boolean bCouldTakeOne = out.get(a).stream().anyMatch(tp -> subs.get(b).contains(tp.topic()));
        if (bCouldTakeOne) {
          assertTrue(out.get(a).size() <= out.get(b).size() + 1, a + " vs " + b + ": " + where);
        }
        if (subs.get(a).equals(subs.get(b))) {
          assertTrue(Math.abs(out.get(a).size() - out.get(b).size()) <= 1, "same topics: " + where);
        }
      }
    }
  }

  /**
   * When everyone subscribes to the same topics, exactly the minimum number of partitions moves:
   * owners keep up to their quota, the biggest old owners getting the larger quotas.
   */
  private static void checkSticky(
      Map<String, Set<String>> subs,
      Map<String, Integer> counts,
      Map<String, SortedSet<TopicPartition>> before,
      Map<String, SortedSet<TopicPartition>> after,
      String where) {
    if (subs.isEmpty() || new HashSet<>(subs.values()).size() != 1) {
      return;
    }
    Set<String> topics = subs.values().iterator().next();
    int total = topics.stream().mapToInt(counts::get).sum();
    List<Integer> kept = new ArrayList<>();
    for (String member : subs.keySet()) {
      long stillValid =
          before.getOrDefault(member, new TreeSet<>()).stream().filter(tp -> topics.contains(tp.topic())).count();
      kept.add((int) stillValid);
    }
    kept.sort((x, y) -> y - x);
    int quota = total / subs.size();
    int extra = total % subs.size();
    int mustMove = 0;
    for (int i = 0; i < kept.size(); i++) {
      mustMove += Math.max(0, kept.get(i) - (quota + (i < extra ? 1 : 0)));
    }
    int moved = 0;
    for (String member : subs.keySet()) {
      for (TopicPartition tp : before.getOrDefault(member, new TreeSet<>())) {
        if (topics.contains(tp.topic()) && !after.get(member).contains(tp)) {
          moved++;
        }
      }
    }
    assertEquals(mustMove, moved, "moves only what balance needs: " + where);
  }

  private static int moved(
      Map<String, SortedSet<TopicPartition>> before, Map<String, SortedSet<TopicPartition>> after) {
    int moved = 0;
    for (var e : before.entrySet()) {
      for (TopicPartition tp : e.getValue()) {
        if (after.containsKey(e.getKey()) && !after.get(e.getKey()).contains(tp)) {
          moved++;
        }
      }
    }
    return moved;
  }
}
