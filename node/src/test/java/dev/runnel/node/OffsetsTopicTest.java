package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.node.group.OffsetsTopic;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.CommitOffsetsRequest;
import dev.runnel.proto.v1.CommittedOffset;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.FetchOffsetsRequest;
import dev.runnel.proto.v1.FetchOffsetsResponse;
import dev.runnel.proto.v1.GroupSummary;
import dev.runnel.proto.v1.OffsetsGrpc;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.TopicSummary;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.RunnelException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * __consumer_offsets on one node: created by the first commit, offsets (and deletions) survive a
 * restart because the coordinator rebuilds them from the topic, and clients cannot write to or
 * delete the internal topic.
 */
class OffsetsTopicTest {
  private static final String TOPIC = "orders";

  @TempDir Path dataDir;

  @Test
  void committedOffsetsAreRebuiltFromTheTopicAfterARestart() throws Exception {
    RunnelNode node = TestNodes.start(dataDir);
    try {
      try (Admin admin = Admin.create("127.0.0.1:" + node.grpcPort())) {
        admin.createTopic(TOPIC, 3, 1, Map.of());
      }
      commit(node, "kept", Map.of(0, 5L, 1, 7L));
      commit(node, "kept", Map.of(1, 9L)); // the later commit of partition 1 wins
      commit(node, "dropped", Map.of(2, 3L));
      try (Admin admin = Admin.create("127.0.0.1:" + node.grpcPort())) {
        assertEquals(1, admin.deleteGroup("dropped"));
        TopicSummary offsets =
            admin.listTopics().stream().filter(t -> t.getName().equals(OffsetsTopic.NAME)).findFirst().orElseThrow();
        assertTrue(offsets.getInternal(), "listed, marked internal");
        assertEquals(16, offsets.getPartitions());
        assertEquals(1, offsets.getReplicationFactor(), "capped by the one node");
        assertEquals("compact", admin.describeTopic(OffsetsTopic.NAME).getConfigsMap().get("cleanup.policy"));
      }
    } finally {
      node.close();
    }

    node = TestNodes.start(dataDir);
    try {
      RunnelNode restarted = node;
      // Right after the restart the offsets partitions may still be electing: NOT_COORDINATOR.
      Map<Integer, Long> kept =
          await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(StatusRuntimeException.class)
              .until(() -> fetch(restarted, "kept"), m -> !m.isEmpty());
      assertEquals(Map.of(0, 5L, 1, 9L), kept);
      assertEquals(Map.of(), fetch(node, "dropped"), "the deletion's tombstones survive too");
      try (Admin admin = Admin.create("127.0.0.1:" + node.grpcPort())) {
        List<String> groups = admin.listGroups().stream().map(GroupSummary::getGroup).toList();
        assertEquals(List.of("kept"), groups);
      }
      commit(node, "kept", Map.of(2, 11L));
      assertEquals(Map.of(0, 5L, 1, 9L, 2, 11L), fetch(node, "kept"));
    } finally {
      node.close();
    }
  }

  @Test
  void clientsCannotWriteOrDeleteTheInternalTopic() throws Exception {
    try (RunnelNode node = TestNodes.start(dataDir);
        Admin admin = Admin.create("127.0.0.1:" + node.grpcPort())) {
      admin.createTopic(TOPIC, 1, 1, Map.of());
      commit(node, "g", Map.of(0, 1L));
      ManagedChannel channel = TestNodes.channel(node);
      try {
        StatusRuntimeException produce =
            assertThrows(
                StatusRuntimeException.class,
                () ->
                    BrokerGrpc.newBlockingStub(channel)
                        .produce(
                            ProduceRequest.newBuilder()
                                .setTopic(OffsetsTopic.NAME)
                                .setPartition(0)
                                .setBatch(TestNodes.zeroBatch(8))
                                .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, produce.getStatus().getCode());
        assertTrue(produce.getMessage().contains("internal topic"), produce.getMessage());
      } finally {
        channel.shutdownNow();
      }
      RunnelException delete = assertThrows(RunnelException.class, () -> admin.deleteTopic(OffsetsTopic.NAME));
      assertEquals(ErrorReason.INVALID_REQUEST, delete.reason());
      assertTrue(delete.getMessage().contains("internal topic"), delete.getMessage());
      assertFalse(
          admin.listTopics().stream().filter(t -> t.getName().equals(TOPIC)).findFirst().orElseThrow().getInternal());
      assertEquals(Map.of(0, 1L), fetch(node, "g"), "the commits are untouched");
    }
  }

  private static void commit(RunnelNode node, String group, Map<Integer, Long> offsets) {
    ManagedChannel channel = TestNodes.channel(node);
    try {
      CommitOffsetsRequest.Builder request = CommitOffsetsRequest.newBuilder().setGroup(group);
      offsets.forEach(
          (p, o) -> request.addOffsets(CommittedOffset.newBuilder().setTopic(TOPIC).setPartition(p).setOffset(o)));
      var stub = OffsetsGrpc.newBlockingStub(channel);
      // The first commit creates the topic; its partitions may briefly have no leader.
      await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(StatusRuntimeException.class)
          .until(() -> stub.commitOffsets(request.build()) != null);
    } finally {
      channel.shutdownNow();
    }
  }

  private static Map<Integer, Long> fetch(RunnelNode node, String group) {
    ManagedChannel channel = TestNodes.channel(node);
    try {
      FetchOffsetsResponse response =
          OffsetsGrpc.newBlockingStub(channel).fetchOffsets(FetchOffsetsRequest.newBuilder().setGroup(group).build());
      Map<Integer, Long> out = new TreeMap<>();
      response.getOffsetsList().forEach(o -> out.put(o.getPartition(), o.getOffset()));
      return out;
    } finally {
      channel.shutdownNow();
    }
  }
}
