package dev.runnel.cli;

import static dev.runnel.cli.TestMetadata.cluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RebalancePlanTest {
  @Test
  void newNodesTakeReplicasUntilCountsDifferByAtMostOne() {
    // Six partitions RF 3 on nodes 1..3; nodes 4 and 5 just joined.
    List<List<Integer>> partitions = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      partitions.add(List.of(1 + p % 3, 1 + (p + 1) % 3, 1 + (p + 2) % 3));
    }
    List<ReplicaMove> moves = RebalancePlan.of(cluster(5, partitions));

    Map<Integer, Integer> load = new HashMap<>();
    List<List<Integer>> result = new ArrayList<>(partitions);
    for (ReplicaMove move : moves) {
      result.set(move.partition(), move.to());
      assertEquals(3, move.to().size());
      assertEquals(3, move.to().stream().distinct().count(), "no node twice: " + move);
    }
    result.forEach(replicas -> replicas.forEach(r -> load.merge(r, 1, Integer::sum)));
    int max = load.values().stream().max(Integer::compare).orElseThrow();
    int min = load.values().stream().min(Integer::compare).orElseThrow();
    assertTrue(max - min <= 1, "balanced: " + load);
    assertEquals(5, load.size(), "the new nodes hold replicas: " + load);
    long leaderChanges = moves.stream().filter(m -> !m.to().get(0).equals(m.from().get(0))).count();
    assertEquals(0, leaderChanges, "followers move first; no preferred leader had to move here");
  }

  @Test
  void aBalancedClusterNeedsNoMoveAndRandomOnesEndBalanced() {
    assertEquals(List.of(), RebalancePlan.of(cluster(3, List.of(List.of(1, 2), List.of(2, 3), List.of(3, 1)))));
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      int nodes = 3 + random.nextInt(4);
      List<List<Integer>> partitions = new ArrayList<>();
      for (int p = 0; p < 1 + random.nextInt(20); p++) {
        int first = 1 + random.nextInt(2);
        partitions.add(List.of(first, first == 1 ? 2 : 1)); // everything on nodes 1 and 2
      }
      Map<Integer, Integer> load = new HashMap<>();
      List<List<Integer>> result = new ArrayList<>(partitions);
      RebalancePlan.of(cluster(nodes, partitions)).forEach(m -> result.set(m.partition(), m.to()));
      for (int id = 1; id <= nodes; id++) {
        load.put(id, 0);
      }
      result.forEach(replicas -> replicas.forEach(r -> load.merge(r, 1, Integer::sum)));
      int max = load.values().stream().max(Integer::compare).orElseThrow();
      int min = load.values().stream().min(Integer::compare).orElseThrow();
      assertTrue(max - min <= 1, "round " + round + ": " + load);
    }
  }
}
