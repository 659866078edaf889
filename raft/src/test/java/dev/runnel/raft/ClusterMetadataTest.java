package dev.runnel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.internal.CommitOffsetsCommand;
import dev.runnel.proto.internal.ControllerCommand;
import dev.runnel.proto.internal.ControllerResult;
import dev.runnel.proto.internal.ControllerSnapshot;
import dev.runnel.proto.internal.CreateTopicCommand;
import dev.runnel.proto.internal.DeleteTopicCommand;
import dev.runnel.proto.internal.GroupOffset;
import dev.runnel.proto.internal.NodeRecord;
import dev.runnel.proto.internal.PartitionAssignment;
import dev.runnel.proto.internal.RegisterNodeCommand;
import dev.runnel.proto.internal.TopicRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClusterMetadataTest {
  private final ClusterMetadata metadata = new ClusterMetadata();

  @BeforeEach
  void registerNodes() {
    for (int id = 1; id <= 3; id++) {
      metadata.apply(
          ControllerCommand.newBuilder()
              .setRegisterNode(
                  RegisterNodeCommand.newBuilder()
                      .setNode(NodeRecord.newBuilder().setId(id).setHost("h" + id).setGrpcPort(id).setRaftPort(id)))
              .build());
    }
  }

  @Test
  void heartbeatsKeepTheLatestPerRegisteredNodeAndSurviveASnapshot() {
    assertEquals("", metadata.apply(heartbeat(1, 500)).getErrorReason());
    assertEquals("", metadata.apply(heartbeat(1, 400)).getErrorReason(), "an older one arriving late");
    assertEquals("INVALID_REQUEST", metadata.apply(heartbeat(9, 500)).getErrorReason(), "not registered");
    assertEquals(java.util.Map.of(1, 500L), metadata.lastHeartbeatsMs());
    metadata.apply(
        ControllerCommand.newBuilder()
            .setRegisterNode(
                RegisterNodeCommand.newBuilder()
                    .setNode(NodeRecord.newBuilder().setId(2).setHost("h2"))
                    .setHeartbeatMs(700))
            .build());
    ClusterMetadata restored = new ClusterMetadata();
    restored.restore(metadata.toSnapshot());
    assertEquals(java.util.Map.of(1, 500L, 2, 700L), restored.lastHeartbeatsMs());
  }

  private static ControllerCommand heartbeat(int node, long sentMs) {
    return ControllerCommand.newBuilder()
        .setHeartbeat(dev.runnel.proto.internal.HeartbeatCommand.newBuilder().setNodeId(node).setSentMs(sentMs))
        .build();
  }

  @Test
  void createTwiceLosesTheRace() {
    assertEquals("", metadata.apply(create("t", "id-1", 3)).getErrorReason());
    ControllerResult second = metadata.apply(create("t", "id-2", 5));
    assertEquals("TOPIC_ALREADY_EXISTS", second.getErrorReason());
    assertEquals("id-1", metadata.topic("t").orElseThrow().getTopicId());
  }

  @Test
  void deleteRemovesTheTopic() {
    metadata.apply(create("a", "id-a", 2));
    metadata.apply(create("b", "id-b", 1));
    metadata.apply(ControllerCommand.newBuilder().setDeleteTopic(DeleteTopicCommand.newBuilder().setName("a")).build());
    assertTrue(metadata.topic("a").isEmpty());
    assertTrue(metadata.topic("b").isPresent());
    assertEquals(
        "UNKNOWN_TOPIC",
        metadata.apply(ControllerCommand.newBuilder().setDeleteTopic(DeleteTopicCommand.newBuilder().setName("a")).build()).getErrorReason());
  }

  @Test
  void offsetCommitsOfEarlierVersionsAreSkipped() {
    metadata.apply(create("a", "id-a", 2));
    ControllerSnapshot before = metadata.toSnapshot();
    assertEquals("", metadata.apply(commit("g", "a", 1, 10)).getErrorReason());
    assertEquals("", metadata.apply(commit("g", "zz", 0, 1)).getErrorReason(), "not checked: skipped");
    assertEquals(before, metadata.toSnapshot(), "a legacy commit changes no controller state");
  }

  @Test
  void snapshotRoundTrip() {
    metadata.apply(create("a", "id-a", 2));
    metadata.apply(create("b", "id-b", 3));
    ClusterMetadata restored = new ClusterMetadata();
    restored.restore(metadata.toSnapshot());
    assertEquals(metadata.toSnapshot(), restored.toSnapshot());
    assertEquals(3, restored.topic("b").orElseThrow().getPartitions());
  }

  @Test
  void placementMustNameDistinctRegisteredNodes() {
    ControllerCommand unknownNode =
        ControllerCommand.newBuilder()
            .setCreateTopic(
                CreateTopicCommand.newBuilder()
                    .setTopic(
                        TopicRecord.newBuilder()
                            .setName("x")
                            .setTopicId("id-x")
                            .setPartitions(1)
                            .setReplicationFactor(1)
                            .addAssignments(PartitionAssignment.newBuilder().addReplicas(9))))
            .build();
    assertEquals("INVALID_REPLICATION_FACTOR", metadata.apply(unknownNode).getErrorReason());
    assertTrue(metadata.topic("x").isEmpty());
  }

  @Test
  void placementSpreadsReplicasAndLeaders() {
    var assignments = Placement.assign(java.util.List.of(3, 1, 2), 6, 3, 1);
    int[] leaders = new int[4];
    for (var a : assignments) {
      assertEquals(3, a.getReplicasList().stream().distinct().count());
      leaders[a.getReplicas(0)]++;
    }
    assertEquals(2, leaders[1]);
    assertEquals(2, leaders[2]);
    assertEquals(2, leaders[3]);
    assertEquals(java.util.List.of(2, 3, 1), assignments.get(0).getReplicasList());
  }

  @Test
  void placementPutsReplicasOnDifferentRacks() {
    // Nodes 1,2 in rack a; 3,4 in rack b: every RF=2 partition spans both racks.
    var racks = new java.util.TreeMap<Integer, String>(java.util.Map.of(1, "a", 2, "a", 3, "b", 4, "b"));
    for (int start = 0; start < 4; start++) {
      for (var a : Placement.assign(racks, 8, 2, start)) {
        assertNotEquals(racks.get(a.getReplicas(0)), racks.get(a.getReplicas(1)), a.toString());
      }
    }
  }

  @Test
  void nodesSurviveASnapshot() {
    ClusterMetadata restored = new ClusterMetadata();
    restored.restore(metadata.toSnapshot());
    assertEquals(3, restored.nodes().size());
    assertEquals("h2", restored.nodes().get(2).getHost());
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
                .setTopic(
                    TopicRecord.newBuilder()
                        .setName(name)
                        .setTopicId(id)
                        .setPartitions(partitions)
                        .setReplicationFactor(2)
                        .addAllAssignments(Placement.assign(java.util.List.of(1, 2, 3), partitions, 2, 0))))
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
