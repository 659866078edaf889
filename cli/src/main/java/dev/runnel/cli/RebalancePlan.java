package dev.runnel.cli;

import dev.runnel.proto.v1.MetadataResponse;
import dev.runnel.proto.v1.NodeInfo;
import dev.runnel.proto.v1.PartitionMetadata;
import dev.runnel.proto.v1.TopicMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evens out replicas over the nodes (after nodes were added, say): while the most loaded node
 * holds two or more replicas than the least loaded one, one replica moves from the first to the
 * second, in place, preferring partitions the busy node does not lead by preference (fewer
 * leadership moves). Ends with replica counts that differ by at most one, or when no partition
 * can move. Pure: metadata in, moves out.
 */
final class RebalancePlan {
  private RebalancePlan() {}

  static List<ReplicaMove> of(MetadataResponse metadata) {
    Map<Integer, Integer> load = new TreeMap<>();
    metadata.getNodesList().stream().map(NodeInfo::getId).forEach(id -> load.put(id, 0));
    Map<String, List<Integer>> before = new LinkedHashMap<>();
    Map<String, List<Integer>> after = new LinkedHashMap<>();
    Map<String, PartitionRef> refs = new LinkedHashMap<>();
    for (TopicMetadata topic : metadata.getTopicsList()) {
      for (PartitionMetadata p : topic.getPartitionsList()) {
        String key = topic.getName() + "-" + p.getPartition();
        before.put(key, p.getReplicasList());
        after.put(key, new ArrayList<>(p.getReplicasList()));
        refs.put(key, new PartitionRef(topic.getName(), p.getPartition()));
        p.getReplicasList().forEach(r -> load.merge(r, 1, Integer::sum));
      }
    }
    int movesLeft = after.values().stream().mapToInt(List::size).sum();
    while (movesLeft-- > 0 && !load.isEmpty()) {
      int busiest = extreme(load, true);
      int idlest = extreme(load, false);
      if (load.get(busiest) - load.get(idlest) <= 1 || !moveOne(after, busiest, idlest)) {
        break;
      }
      load.merge(busiest, -1, Integer::sum);
      load.merge(idlest, 1, Integer::sum);
    }
    List<ReplicaMove> moves = new ArrayList<>();
    after.forEach(
        (key, replicas) -> {
          if (!replicas.equals(before.get(key))) {
            PartitionRef ref = refs.get(key);
            moves.add(new ReplicaMove(ref.topic(), ref.partition(), before.get(key), replicas));
          }
        });
    return moves;
  }

  private record PartitionRef(String topic, int partition) {}

  /** The node with the most (or fewest) replicas; ties go to the lowest id. */
  private static int extreme(Map<Integer, Integer> load, boolean most) {
    int best = -1;
    for (Map.Entry<Integer, Integer> e : load.entrySet()) {
      if (best < 0 || (most ? e.getValue() > load.get(best) : e.getValue() < load.get(best))) {
        best = e.getKey();
      }
    }
    return best;
  }

  /** Moves one replica from {@code from} to {@code to}, a follower replica first if there is one. */
  private static boolean moveOne(Map<String, List<Integer>> replicasByPartition, int from, int to) {
    for (boolean allowPreferredLeader : new boolean[] {false, true}) {
      for (List<Integer> replicas : replicasByPartition.values()) {
        int at = replicas.indexOf(from);
        if (at < 0 || replicas.contains(to) || (at == 0 && !allowPreferredLeader)) {
          continue;
        }
        replicas.set(at, to);
        return true;
      }
    }
    return false;
  }
}
