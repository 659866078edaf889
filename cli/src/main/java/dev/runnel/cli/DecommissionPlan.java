package dev.runnel.cli;

import dev.runnel.proto.v1.MetadataResponse;
import dev.runnel.proto.v1.NodeInfo;
import dev.runnel.proto.v1.PartitionMetadata;
import dev.runnel.proto.v1.TopicMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the replicas of a node being drained go: each replica on the node is replaced, in place
 * (so a preferred leader is replaced by the new preferred leader), by the node holding the fewest
 * replicas among those not already in that partition. Pure: metadata in, moves out.
 */
final class DecommissionPlan {
  private DecommissionPlan() {}

  /**
   * @throws IllegalArgumentException if the node is unknown, or a partition has no other node to
   *     take its replica
   */
  static List<ReplicaMove> of(MetadataResponse metadata, int node) {
    Map<Integer, Integer> load = new TreeMap<>();
    for (NodeInfo info : metadata.getNodesList()) {
      load.put(info.getId(), 0);
    }
    if (!load.containsKey(node)) {
      throw new IllegalArgumentException("unknown node id " + node + "; the cluster's nodes are " + load.keySet());
    }
    for (TopicMetadata topic : metadata.getTopicsList()) {
      for (PartitionMetadata p : topic.getPartitionsList()) {
        p.getReplicasList().forEach(r -> load.merge(r, 1, Integer::sum));
      }
    }
    load.remove(node);
    List<ReplicaMove> moves = new ArrayList<>();
    for (TopicMetadata topic : metadata.getTopicsList()) {
      for (PartitionMetadata p : topic.getPartitionsList()) {
        int at = p.getReplicasList().indexOf(node);
        if (at < 0) {
          continue;
        }
        Map<Integer, Integer> candidates = new HashMap<>(load);
        p.getReplicasList().forEach(candidates::remove);
        int target =
            candidates.entrySet().stream()
                .min(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "cannot drain node " + node + ": " + topic.getName() + "-" + p.getPartition()
                                + " has replicas " + p.getReplicasList() + " and no other node can take one"));
        List<Integer> to = new ArrayList<>(p.getReplicasList());
        to.set(at, target);
        load.merge(target, 1, Integer::sum);
        moves.add(new ReplicaMove(topic.getName(), p.getPartition(), p.getReplicasList(), to));
      }
    }
    return moves;
  }
}
