package dev.runnel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.internal.CommitOffsetsCommand;
import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.ControllerResult;
import dev.runnel.proto.internal.CreateTopicCommand;
import dev.runnel.proto.internal.DeleteTopicCommand;
import dev.runnel.proto.internal.GroupOffset;
import dev.runnel.proto.internal.TopicRecord;
import org.junit.jupiter.api.Test;

class ClusterMetadataTest {
  private final ClusterMetadata metadata = new ClusterMetadata();

  @Test
  void createTwiceLosesTheRace() {
    assertEquals("", metadata.apply(create("t", "id-1", 3)).getErrorReason());
    ControllerResult second = metadata.apply(create("t", "id-2", 5));
    assertEquals("TOPIC_ALREADY_EXISTS", second.getErrorReason());
    assertEquals("id-1", metadata.topic("t").orElseThrow().getTopicId());
  }

  @Test
  void deleteRemovesTheTopicAndItsCommittedOffsets() {
    metadata.apply(create("a", "id-a", 2));
    metadata.apply(create("b", "id-b", 1));
    assertEquals("", metadata.apply(commit("g", "a", 1, 10)).getErrorReason());
    assertEquals("", metadata.apply(commit("g", "b", 0, 7)).getErrorReason());
    metadata.apply(ControllerCommand.newBuilder().setDeleteTopic(DeleteTopicCommand.newBuilder().setName("a")).build());
    assertTrue(metadata.topic("a").isEmpty());
    assertEquals(1, metadata.offsets("g").size());
    assertEquals(
        "UNKNOWN_TOPIC",
        metadata.apply(ControllerCommand.newBuilder().setDeleteTopic(DeleteTopicCommand.newBuilder().setName("a")).build()).getErrorReason());
  }

  @Test
  void commitsAreCheckedAgainstTheTopics() {
    metadata.apply(create("a", "id-a", 2));
    assertEquals("UNKNOWN_PARTITION", metadata.apply(commit("g", "a", 2, 1)).getErrorReason());
    assertEquals("UNKNOWN_TOPIC", metadata.apply(commit("g", "zz", 0, 1)).getErrorReason());
    assertTrue(metadata.offsets("g").isEmpty(), "a refused commit writes nothing");
  }

  @Test
  void snapshotRoundTrip() {
    metadata.apply(create("a", "id-a", 2));
    metadata.apply(commit("g1", "a", 0, 5));
    metadata.apply(commit("g2", "a", 1, 9));
    ClusterMetadata restored = new ClusterMetadata();
    restored.restore(metadata.toSnapshot());
    assertEquals(metadata.toSnapshot(), restored.toSnapshot());
    assertEquals(9, restored.offsets("g2").get(new ClusterMetadata.OffsetKey("a", 1)).getOffset());
  }

  @Test
  void partitionGroupIdsAreStableAndDistinct() {
    assertEquals(RaftIds.partitionGroup("x", 0), RaftIds.partitionGroup("x", 0));
    assertNotEquals(RaftIds.partitionGroup("x", 0), RaftIds.partitionGroup("x", 1));
    assertNotEquals(RaftIds.partitionGroup("x", 0), RaftIds.partitionGroup("y", 0));
    assertNotEquals(RaftIds.CONTROLLER_GROUP, RaftIds.partitionGroup("x", 0));
  }

  private static ControllerCommand create(String name, String id, int partitions) {
    return ControllerCommand.newBuilder()
        .setCreateTopic(
            CreateTopicCommand.newBuilder()
                .setTopic(TopicRecord.newBuilder().setName(name).setTopicId(id).setPartitions(partitions)))
        .build();
  }

  private static ControllerCommand commit(String group, String topic, int partition, long offset) {
    return ControllerCommand.newBuilder()
        .setCommitOffsets(
            CommitOffsetsCommand.newBuilder()
                .setGroup(group)
                .addOffsets(GroupOffset.newBuilder().setTopic(topic).setPartition(partition).setOffset(offset)))
        .build();
  }
}
