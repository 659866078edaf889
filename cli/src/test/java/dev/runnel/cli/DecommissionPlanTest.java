package dev.runnel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static dev.runnel.cli.TestMetadata.cluster;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.MetadataResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecommissionPlanTest {
  @Test
  void replacesEachReplicaInPlaceWithTheLeastLoadedOtherNode() {
    MetadataResponse metadata =
        cluster(4, List.of(List.of(1, 2), List.of(2, 1), List.of(3, 2), List.of(1, 3)));

    List<ReplicaMove> moves = DecommissionPlan.of(metadata, 1);

    assertEquals(3, moves.size(), "three partitions had a replica on node 1");
    // Loads without node 1: node 2 holds 3 replicas, node 3 two, node 4 none.
    assertEquals(List.of(4, 2), moves.get(0).to(), "the empty node 4 takes the first");
    assertEquals(List.of(2, 4), moves.get(1).to(), "node 4 (now 1) still holds fewer than node 3 (2)");
    assertEquals(List.of(4, 3), moves.get(2).to(), "node 4 (2 now) over node 2 (3); node 3 holds it already");
    for (ReplicaMove move : moves) {
      assertTrue(!move.to().contains(1), move.toString());
      assertEquals(move.to().size(), move.to().stream().distinct().count(), "no node twice: " + move);
    }
  }

  @Test
  void refusesAnUnknownNodeAndAPartitionWithNowhereToGo() {
    assertThrows(IllegalArgumentException.class, () -> DecommissionPlan.of(cluster(3, List.of()), 7));
    IllegalArgumentException full =
        assertThrows(
            IllegalArgumentException.class, () -> DecommissionPlan.of(cluster(2, List.of(List.of(1, 2))), 1));
    assertTrue(full.getMessage().contains("no other node"), full.getMessage());
  }
}
