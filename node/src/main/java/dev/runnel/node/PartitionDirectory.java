package dev.runnel.node;

import dev.runnel.proto.Errors;
import dev.runnel.proto.internal.TopicRecord;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.raft.ClusterMetadata;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the local partition for a (topic, partition): the metadata says whether it exists, the
 * reconciler registers the hosted ones here.
 */
public final class PartitionDirectory {
  /** Key of a hosted partition; the topic id tells a re-created topic from its predecessor. */
  record Key(String topicId, int partition) {}

  private final ClusterMetadata metadata;
  private final Map<Key, PartitionHandle> hosted = new ConcurrentHashMap<>();

  PartitionDirectory(ClusterMetadata metadata) {
    this.metadata = metadata;
  }

  public ClusterMetadata metadata() {
    return metadata;
  }

  /** The topic, or UNKNOWN_TOPIC. */
  public TopicRecord topic(String name) {
    return metadata.topic(name).orElseThrow(() -> RunnelError.unknownTopic(name));
  }

  /** The hosted partition, or UNKNOWN_TOPIC / UNKNOWN_PARTITION / NODE_UNAVAILABLE (retriable). */
  public PartitionHandle get(String topicName, int partition) {
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
    PartitionHandle handle = hosted.get(new Key(topic.getTopicId(), partition));
    if (handle == null) {
      throw RunnelError.unavailable(
          "partition " + topicName + "-" + partition + " is not open on this node yet; retry");
    }
    return handle;
  }

  /** The hosted partition or null, without errors (for metrics and descriptions). */
  PartitionHandle find(TopicRecord topic, int partition) {
    return hosted.get(new Key(topic.getTopicId(), partition));
  }

  /** True when this node leads every hosted partition and has applied all it committed. */
  boolean allLed(dev.runnel.raft.RaftHost raft) {
    return hosted.values().stream().allMatch(h -> raft.leadsAndCaughtUp(h.groupId()));
  }

  Map<Key, PartitionHandle> hosted() {
    return hosted;
  }
}
