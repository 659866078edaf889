package dev.runnel.raft;

import dev.runnel.proto.internal.PartitionAssignment;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a new topic's replicas go: partition p's replicas are R consecutive nodes (in id order)
 * starting at node (start + p), so replicas and preferred leaders (the first replica) spread
 * evenly, and a topic's start rotates so small topics do not all lead on the same node. Pure.
 */
public final class Placement {
  private Placement() {}

  public static List<PartitionAssignment> assign(
      List<Integer> nodeIds, int partitions, int replicationFactor, int start) {
    if (replicationFactor < 1 || replicationFactor > nodeIds.size()) {
      throw new IllegalArgumentException(
          "replication factor " + replicationFactor + " with " + nodeIds.size() + " nodes");
    }
    List<Integer> sorted = nodeIds.stream().sorted().toList();
    List<PartitionAssignment> out = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      PartitionAssignment.Builder a = PartitionAssignment.newBuilder();
      for (int r = 0; r < replicationFactor; r++) {
        a.addReplicas(sorted.get(Math.floorMod(start + p + r, sorted.size())));
      }
      out.add(a.build());
    }
    return out;
  }
}
