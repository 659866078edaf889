package dev.runnel.node;

import dev.runnel.proto.Errors;
import dev.runnel.proto.internal.NodeRecord;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.raft.ClusterMetadata;
import dev.runnel.raft.RaftHost;
import dev.runnel.raft.RaftIds;
import io.grpc.Status;
import org.apache.ratis.protocol.RaftPeer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Finds the local partition for a (topic, partition): the metadata says whether it exists, the
 * reconciler registers the hosted ones here.
 */
public final class PartitionDirectory {
  /** Key of a hosted partition; the topic id tells a re-created topic from its predecessor. */
  record Key(String topicId, int partition) {}

  private final ClusterMetadata metadata;
  private final int selfId;
  private final Map<Key, PartitionHandle> hosted = new ConcurrentHashMap<>();

  PartitionDirectory(ClusterMetadata metadata, int selfId) {
    this.metadata = metadata;
    this.selfId = selfId;
  }

  public ClusterMetadata metadata() {
    return metadata;
  }

  /** The replicas as Raft peers; the preferred leader (first replica) gets the higher priority. */
  public List<RaftPeer> peers(List<Integer> replicas) {
    List<RaftPeer> peers = new ArrayList<>(replicas.size());
    for (int i = 0; i < replicas.size(); i++) {
      NodeRecord node = metadata.nodes().get(replicas.get(i));
      if (node == null) {
        throw new IllegalStateException("replica on unregistered node " + replicas.get(i));
      }
      peers.add(RaftIds.peer(node.getId(), node.getHost(), node.getRaftPort(), i == 0 ? 1 : 0));
    }
    return peers;
  }

  /** The topic, or UNKNOWN_TOPIC. */
  public TopicRecord topic(String name) {
    return metadata.topic(name).orElseThrow(() -> RunnelError.unknownTopic(name));
  }

  /**
   * Where a partition lives as this node sees it: its replicas (the first is the preferred
   * leader) and, when this node hosts a replica, the local handle.
   */
  public record Route(TopicRecord topic, int partition, List<Integer> replicas, PartitionHandle local) {
    public int preferredLeader() {
      return replicas.get(0);
    }
  }

  /**
   * The partition's route, or UNKNOWN_TOPIC / UNKNOWN_PARTITION, or NODE_UNAVAILABLE while a
   * replica assigned to this node is not open yet.
   */
  public Route route(String topicName, int partition) {
    Route route = placement(topicName, partition);
    if (route.local() == null && route.replicas().contains(selfId)) {
      throw RunnelError.unavailable(
          "partition " + topicName + "-" + partition + " is not open on this node yet; retry");
    }
    return route;
  }

  /**
   * The partition's route, or UNKNOWN_TOPIC / UNKNOWN_PARTITION; a replica assigned here that is
   * not open yet shows as no local handle (for describing, which must not fail on it).
   */
  public Route placement(String topicName, int partition) {
    TopicRecord topic = topic(topicName);
    if (partition < 0 || partition >= topic.getPartitions()) {
      throw new RunnelError(
          ErrorReason.UNKNOWN_PARTITION,
          Status.Code.NOT_FOUND,
          "topic '"
              + topicName
              + "' has partitions 0.."
              + (topic.getPartitions() - 1)
              + ", not "
              + partition,
          Map.of(Errors.TOPIC, topicName, Errors.PARTITION, Integer.toString(partition)));
    }
    List<Integer> replicas = topic.getAssignments(partition).getReplicasList();
    PartitionHandle local = hosted.get(new Key(topic.getTopicId(), partition));
    return new Route(topic, partition, replicas, local);
  }

  /**
   * The local replica of a partition, or UNKNOWN_TOPIC / UNKNOWN_PARTITION / NODE_UNAVAILABLE, or
   * NOT_LEADER (naming the preferred leader) when this node holds no replica of it.
   */
  public PartitionHandle get(String topicName, int partition) {
    Route route = route(topicName, partition);
    if (route.local() == null) {
      throw RunnelError.notLeader(topicName, partition, route.preferredLeader());
    }
    return route.local();
  }

  /** The hosted partition or null, without errors (for metrics and descriptions). */
  PartitionHandle find(TopicRecord topic, int partition) {
    return hosted.get(new Key(topic.getTopicId(), partition));
  }

  /** True when every hosted partition has a leader and this replica has applied its commits. */
  boolean allLed(RaftHost raft) {
    return hosted.values().stream().allMatch(h -> raft.hasLeaderAndCaughtUp(h.groupId()));
  }

  /** The hosted partitions {@link #allLed} waits for, each with where its replica stands. */
  String notLed(RaftHost raft) {
    return hosted.values().stream()
        .filter(h -> !raft.hasLeaderAndCaughtUp(h.groupId()))
        .map(h -> h.topic() + "-" + h.partition() + " (" + raft.progress(h.groupId()) + ")")
        .collect(Collectors.joining(", "));
  }

  /** The partitions open on this node. */
  public Collection<PartitionHandle> hostedPartitions() {
    return hosted.values();
  }

  Map<Key, PartitionHandle> hosted() {
    return hosted;
  }
}
