package dev.runnel.raft;

import dev.runnel.proto.internal.PartitionAssignment;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a new topic's replicas go. The nodes are put in a ring that alternates racks (taking one
 * node from each rack in turn, racks and nodes in id order); partition p's replicas are R
 * consecutive ring positions starting at (start + p). So replicas and preferred leaders (the
 * first replica) spread evenly, a partition's replicas land on different racks whenever R does
 * not exceed the number of racks, and a topic's start rotates so small topics do not all lead on
 * the same node. Pure.
 */
public final class Placement {
  private Placement() {}

  /** As {@link #assign(Map, int, int, int)} for nodes without racks. */
  public static List<PartitionAssignment> assign(
      List<Integer> nodeIds, int partitions, int replicationFactor, int start) {
    Map<Integer, String> noRacks = new TreeMap<>();
    nodeIds.forEach(id -> noRacks.put(id, ""));
    return assign(noRacks, partitions, replicationFactor, start);
  }

  /** @param rackByNode every live node's id and rack ("" when none is configured) */
  public static List<PartitionAssignment> assign(
      Map<Integer, String> rackByNode, int partitions, int replicationFactor, int start) {
    if (replicationFactor < 1 || replicationFactor > rackByNode.size()) {
      throw new IllegalArgumentException(
          "replication factor " + replicationFactor + " with " + rackByNode.size() + " nodes");
    }
    List<Integer> ring = rackAlternatingRing(rackByNode);
    List<PartitionAssignment> out = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      PartitionAssignment.Builder a = PartitionAssignment.newBuilder();
      for (int r = 0; r < replicationFactor; r++) {
        a.addReplicas(ring.get(Math.floorMod(start + p + r, ring.size())));
      }
      out.add(a.build());
    }
    return out;
  }

  private static List<Integer> rackAlternatingRing(Map<Integer, String> rackByNode) {
    Map<String, Deque<Integer>> byRack = new TreeMap<>();
    new TreeMap<>(rackByNode)
        .forEach((id, rack) -> byRack.computeIfAbsent(rack, r -> new ArrayDeque<>()).add(id));
    List<Integer> ring = new ArrayList<>(rackByNode.size());
    while (ring.size() < rackByNode.size()) {
      for (Deque<Integer> nodes : byRack.values()) {
        if (!nodes.isEmpty()) {
          ring.add(nodes.poll());
        }
      }
    }
    return ring;
  }
}
