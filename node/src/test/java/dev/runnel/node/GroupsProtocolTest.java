package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.Assignment;
import dev.runnel.proto.v1.CommitOffsetsRequest;
import dev.runnel.proto.v1.CommittedOffset;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.DescribeGroupRequest;
import dev.runnel.proto.v1.DescribeGroupResponse;
import dev.runnel.proto.v1.GroupState;
import dev.runnel.proto.v1.GroupsGrpc;
import dev.runnel.proto.v1.JoinGroup;
import dev.runnel.proto.v1.JoinResponse;
import dev.runnel.proto.v1.ListGroupsRequest;
import dev.runnel.proto.v1.OffsetsGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Groups.Join protocol on a real node, driven through the generated stubs only. */
class GroupsProtocolTest {
  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    config.put("group.session.timeout.ms.min", "500");
    node = TestNodes.start(config);
    channel = TestNodes.channel(node);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    node.close();
  }

  private static void createTopic(String name, int partitions) {
    AdminGrpc.newBlockingStub(channel)
        .createTopic(CreateTopicRequest.newBuilder().setName(name).setPartitions(partitions).build());
  }

  private static JoinGroup join(String group, String topic, int sessionTimeoutMs) {
    return JoinGroup.newBuilder()
        .setGroup(group)
        .addTopics(topic)
        .setSessionTimeoutMs(sessionTimeoutMs)
        .setClientId("raw")
        .build();
  }

  @Test
  void aMemberJoinsGetsItsPartitionsAndTheSecondOnlyGetsWhatTheFirstReleased() throws Exception {
    createTopic("raw-orders", 4);
    try (RawGroupMember a = new RawGroupMember(channel, join("raw", "raw-orders", 5_000))) {
      JoinResponse joined = a.next();
      assertTrue(joined.hasJoined());
      assertEquals(1666, joined.getJoined().getHeartbeatIntervalMs());
      Assignment first = a.next().getAssignment();
      assertEquals(4, first.getPartitionsCount());
      a.ack(first.getGeneration());

      try (RawGroupMember b = new RawGroupMember(channel, join("raw", "raw-orders", 5_000))) {
        b.next(); // joined
        Assignment nothingYet = b.next().getAssignment();
        assertEquals(0, nothingYet.getPartitionsCount(), "the partitions are still a's");
        Assignment shrunk = a.next().getAssignment();
        assertEquals(2, shrunk.getPartitionsCount());
        // While a has not acknowledged, it still owns what it gives up: it may commit it.
        var given = first.getPartitionsList().stream().filter(tp -> !shrunk.getPartitionsList().contains(tp)).findFirst().orElseThrow();
        commit("raw", memberIdOf(joined), shrunk.getGeneration(), given.getTopic(), given.getPartition(), 1);
        assertEquals(
            GroupState.GROUP_STATE_RECONCILING,
            describe("raw").getState());
        a.ack(shrunk.getGeneration());
        Assignment grown = b.next().getAssignment();
        assertEquals(2, grown.getPartitionsCount());
        b.ack(grown.getGeneration());
        await().atMost(Duration.ofSeconds(5)).until(() -> describe("raw").getState() == GroupState.GROUP_STATE_STABLE);
        StatusRuntimeException fenced =
            org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> commit("raw", memberIdOf(joined), shrunk.getGeneration(), given.getTopic(), given.getPartition(), 2));
        assertEquals(Status.Code.FAILED_PRECONDITION, fenced.getStatus().getCode());
        assertTrue(fenced.getStatus().getDescription().startsWith("FENCED_MEMBER"), fenced.getStatus().getDescription());
      }
    }
  }

  @Test
  void aMemberThatStopsHeartbeatingIsRemovedAfterItsSessionTimeout() throws Exception {
    createTopic("raw-hung", 2);
    try (RawGroupMember hung = new RawGroupMember(channel, join("hung", "raw-hung", 800));
        RawGroupMember alive = new RawGroupMember(channel, join("hung", "raw-hung", 5_000))) {
      hung.next();
      Assignment hungHas = hung.next().getAssignment();
      hung.ack(hungHas.getGeneration());
      alive.next();
      // The hung member never heartbeats; the alive one does, and ends up with everything.
      long deadlineMs = System.currentTimeMillis() + 5_000;
      int has = 0;
      while (has < 2 && System.currentTimeMillis() < deadlineMs) {
        alive.heartbeat();
        JoinResponse r = alive.received.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (r != null && r.hasAssignment()) {
          has = r.getAssignment().getPartitionsCount();
          alive.ack(r.getAssignment().getGeneration());
        }
      }
      assertEquals(2, has);
      await().atMost(Duration.ofSeconds(2)).until(() -> hung.error != null);
      assertTrue(hung.error.getMessage().contains("session_timeout_ms"), hung.error.getMessage());
    }
  }

  @Test
  void simpleCommitsAreRefusedWhileTheGroupHasMembersAndAcceptedOnceItIsEmpty() throws Exception {
    createTopic("raw-simple", 1);
    try (RawGroupMember a = new RawGroupMember(channel, join("simple", "raw-simple", 5_000))) {
      String memberId = memberIdOf(a.next());
      Assignment assignment = a.next().getAssignment();
      StatusRuntimeException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              StatusRuntimeException.class, () -> commit("simple", "", 0, "raw-simple", 0, 5));
      assertTrue(refused.getStatus().getDescription().startsWith("UNKNOWN_MEMBER"), refused.getStatus().getDescription());
      StatusRuntimeException unknown =
          org.junit.jupiter.api.Assertions.assertThrows(
              StatusRuntimeException.class, () -> commit("simple", "not-a-member", 1, "raw-simple", 0, 5));
      assertTrue(unknown.getStatus().getDescription().startsWith("UNKNOWN_MEMBER"));
      commit("simple", memberId, assignment.getGeneration(), "raw-simple", 0, 7);
      a.leave();
      await().atMost(Duration.ofSeconds(5)).until(() -> a.completed);
    }
    commit("simple", "", 0, "raw-simple", 0, 9);
    DescribeGroupResponse empty = describe("simple");
    assertEquals(GroupState.GROUP_STATE_EMPTY, empty.getState());
    assertEquals(9, empty.getPartitions(0).getCommittedOffset());
  }

  @Test
  void badFirstMessagesAndUnknownGroupsGetClearErrors() throws Exception {
    try (RawGroupMember bad = new RawGroupMember(channel, JoinGroup.newBuilder().setGroup("").addTopics("t").build())) {
      await().atMost(Duration.ofSeconds(5)).until(() -> bad.error != null);
      assertTrue(bad.error.getMessage().contains("INVALID_REQUEST: group must be 1..249 characters"), bad.error.getMessage());
    }
    StatusRuntimeException unknown =
        org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, () -> describe("never-seen"));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    assertTrue(unknown.getStatus().getDescription().startsWith("UNKNOWN_GROUP"));
    assertNotNull(GroupsGrpc.newBlockingStub(channel).listGroups(ListGroupsRequest.getDefaultInstance()));
  }

  private static String memberIdOf(JoinResponse joined) {
    return joined.getJoined().getMemberId();
  }

  private static DescribeGroupResponse describe(String group) {
    return GroupsGrpc.newBlockingStub(channel).describeGroup(DescribeGroupRequest.newBuilder().setGroup(group).build());
  }

  private static void commit(String group, String memberId, long generation, String topic, int partition, long offset) {
    OffsetsGrpc.newBlockingStub(channel)
        .commitOffsets(
            CommitOffsetsRequest.newBuilder()
                .setGroup(group)
                .setMemberId(memberId)
                .setGeneration(generation)
                .addOffsets(CommittedOffset.newBuilder().setTopic(topic).setPartition(partition).setOffset(offset))
                .build());
  }
}
