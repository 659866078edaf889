package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.DescribeGroupResponse;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.ResetTo;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sdk.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to consumer groups through the SDK: an empty group id, a subscription to a topic
 * that does not exist (documented: the member waits and gets the partitions once the topic is
 * created). Resetting an active group's offsets: GroupOffsetsAdminTest and the CLI's
 * GroupCommandsTest. The same at the gRPC level: GroupsProtocolTest.
 */
class GroupBadInputTest {
  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static String bootstrap;
  private static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(dataDir);
    bootstrap = "127.0.0.1:" + node.grpcPort();
    admin = Admin.create(bootstrap);
  }

  @AfterAll
  static void stop() {
    admin.close();
    node.close();
  }

  @Test
  void anEmptyGroupIdIsRefusedBeforeAnythingIsSent_andByTheNode() {
    for (String id : new String[] {"", "   "}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> GroupConsumer.builder().bootstrap(bootstrap).groupId(id).build());
      assertTrue(e.getMessage().contains("groupId must be 1..249 characters"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> GroupConsumer.builder().bootstrap(bootstrap).build());
    for (Runnable call :
        List.<Runnable>of(
            () -> admin.describeGroup(""),
            () -> admin.deleteGroup(""),
            () -> admin.resetOffsets("", "t", List.of(), ResetTo.earliest(), true))) {
      RunnelException e = assertThrows(RunnelException.class, call::run);
      assertEquals(ErrorReason.INVALID_REQUEST, e.reason());
      assertTrue(e.getMessage().contains("group must be 1..249 characters"), e.getMessage());
    }
  }

  @Test
  void aMemberOfAMissingTopicWaitsWithoutError_andGetsItsPartitionsOnceTheTopicIsCreated() {
    String topic = "created-later";
    try (GroupConsumer member =
        GroupConsumer.builder()
            .bootstrap(bootstrap)
            .groupId("patient")
            .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
            .build()) {
      member.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                assertEquals(List.of(), member.poll(Duration.ofMillis(50)));
                return member.memberId() != null;
              });
      DescribeGroupResponse waiting = admin.describeGroup("patient");
      assertEquals(1, waiting.getMembersCount());
      assertEquals(0, waiting.getMembers(0).getAssignedCount(), "nothing to assign yet");
      assertEquals(List.of(topic), waiting.getMembers(0).getTopicsList());

      admin.createTopic(topic, 2, 1, Map.of());
      await().atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                member.poll(Duration.ofMillis(50));
                return member.assignment().equals(Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
              });
    }
  }
}
