package dev.runnel.cli;

import dev.runnel.proto.v1.MetadataResponse;
import dev.runnel.proto.v1.NodeInfo;
import dev.runnel.proto.v1.PartitionMetadata;
import dev.runnel.proto.v1.TopicMetadata;
import java.util.List;

/** Cluster metadata for plan tests: nodes 1..n and one topic "t" with the given replica lists. */
final class TestMetadata {
  private TestMetadata() {}

  static MetadataResponse cluster(int nodes, List<List<Integer>> partitions) {
    MetadataResponse.Builder metadata = MetadataResponse.newBuilder();
    for (int id = 1; id <= nodes; id++) {
      metadata.addNodes(NodeInfo.newBuilder().setId(id));
    }
    TopicMetadata.Builder topic = TopicMetadata.newBuilder().setName("t");
    for (int p = 0; p < partitions.size(); p++) {
      topic.addPartitions(PartitionMetadata.newBuilder().setPartition(p).addAllReplicas(partitions.get(p)));
    }
    return metadata.addTopics(topic).build();
  }
}
