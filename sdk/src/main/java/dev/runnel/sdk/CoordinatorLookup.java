package dev.runnel.sdk;

import dev.runnel.proto.Partitioning;
import java.nio.charset.StandardCharsets;

/**
 * Finds a group's coordinator without a hint: the leader of partition murmur2(group) % partitions
 * of {@code __consumer_offsets}, from fresh metadata (asked of the bootstrap node, then of every
 * node seen so far, so a dead bootstrap or coordinator node does not stop the search).
 */
final class CoordinatorLookup {
  static final String OFFSETS_TOPIC = "__consumer_offsets";

  private final ClusterMetadata metadata;
  private final byte[] groupUtf8;

  CoordinatorLookup(ClusterMetadata metadata, String group) {
    this.metadata = metadata;
    this.groupUtf8 = group.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The coordinator's address as the cluster knows it now, or {@code fallback} when it cannot be
   * told (the topic does not exist yet, or no node answered): any node redirects to it.
   */
  String find(String fallback) {
    metadata.invalidate(OFFSETS_TOPIC);
    try {
      int partitions = metadata.partitionCount(OFFSETS_TOPIC);
      return metadata.leaderAddress(
          new TopicPartition(OFFSETS_TOPIC, Partitioning.partitionForKey(groupUtf8, partitions)));
    } catch (RunnelException e) {
      return fallback;
    }
  }
}
