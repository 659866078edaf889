package dev.runnel.connect.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskPlacementTest {
  @Test
  void placementIsStableAndSpreadsTasks() {
    assertEquals(TaskPlacement.partition("orders", 3, 25), TaskPlacement.partition("orders", 3, 25));
    Set<Integer> used = new HashSet<>();
    for (int task = 0; task < 100; task++) {
      int p = TaskPlacement.partition("orders", task, 25);
      assertTrue(p >= 0 && p < 25);
      used.add(p);
    }
    assertTrue(used.size() > 15, "100 tasks should use most of 25 partitions, used " + used.size());
  }
}
