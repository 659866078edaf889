package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.OffsetReset;
import dev.runnel.proto.v1.PartitionLag;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.ResetTo;
import dev.runnel.sdk.RunnelException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resetting and deleting a group's committed offsets (Groups.ResetOffsets / DeleteGroup). */
class GroupOffsetsAdminTest {
  private static final String TOPIC = "adm";
  /** Record i of each partition has the timestamp T0 + i seconds. */
  private static final long T0_MS = 1_700_000_000_000L;

  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static Admin admin;
  private static String bootstrap;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(dataDir);
    bootstrap = "127.0.0.1:" + node.grpcPort();
    admin = Admin.create(bootstrap);
    admin.createTopic(TOPIC, 2, 1, Map.of());
    try (Producer producer = Producer.builder().bootstrap(bootstrap).build()) {
      for (int i = 0; i < 10; i++) {
        for (int p = 0; p < 2; p++) {
          // One batch per record, so the time index resolves to the record.
          producer.sendSync(new ProducerRecord(TOPIC, p, null, new byte[] {(byte) i}, List.of(), T0_MS + i * 1_000L));
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    admin.close();
    node.close();
  }

  private static Map<Integer, Long> committed(String group) {
    Map<Integer, Long> out = new TreeMap<>();
    for (PartitionLag p : admin.describeGroup(group).getPartitionsList()) {
      out.put(p.getPartition(), p.getCommittedOffset());
    }
    return out;
  }

  private static Map<Integer, Long> newOffsets(List<OffsetReset> resets) {
    Map<Integer, Long> out = new TreeMap<>();
    resets.forEach(r -> out.put(r.getPartition(), r.getNewOffset()));
    return out;
  }

  @Test
  void everyModeMovesTheCommittedOffsetsOfAnEmptyGroup() {
    String g = "reset-modes";
    List<OffsetReset> first = admin.resetOffsets(g, TOPIC, List.of(), ResetTo.earliest(), false);
    assertEquals(Map.of(0, 0L, 1, 0L), newOffsets(first));
    assertTrue(first.stream().allMatch(r -> r.getPreviousOffset() == -1), "no commits before: " + first);
    assertEquals(Map.of(0, 0L, 1, 0L), committed(g));

    admin.resetOffsets(g, TOPIC, List.of(), ResetTo.latest(), false);
    assertEquals(Map.of(0, 10L, 1, 10L), committed(g));

    List<OffsetReset> one = admin.resetOffsets(g, TOPIC, List.of(1), ResetTo.offset(4), false);
    assertEquals(1, one.size());
    assertEquals(10, one.get(0).getPreviousOffset());
    assertEquals(Map.of(0, 10L, 1, 4L), committed(g), "only the partition asked for moved");

    admin.resetOffsets(g, TOPIC, List.of(0), ResetTo.offset(999), false);
    assertEquals(Map.of(0, 10L, 1, 4L), committed(g), "an offset past the end moves to the end");

    admin.resetOffsets(g, TOPIC, List.of(), ResetTo.time(Instant.ofEpochMilli(T0_MS + 5_000)), false);
    assertEquals(Map.of(0, 5L, 1, 5L), committed(g), "the first record at or after the time");

    admin.resetOffsets(g, TOPIC, List.of(), ResetTo.time(Instant.ofEpochMilli(T0_MS + 3_600_000)), false);
    assertEquals(Map.of(0, 10L, 1, 10L), committed(g), "a time after every record means the end");
  }

  @Test
  void aDryRunShowsThePlanAndCommitsNothing() {
    String g = "reset-dry";
    admin.resetOffsets(g, TOPIC, List.of(), ResetTo.offset(7), false);
    List<OffsetReset> plan = admin.resetOffsets(g, TOPIC, List.of(), ResetTo.earliest(), true);
    assertEquals(Map.of(0, 0L, 1, 0L), newOffsets(plan));
    assertTrue(plan.stream().allMatch(r -> r.getPreviousOffset() == 7), plan.toString());
    assertEquals(Map.of(0, 7L, 1, 7L), committed(g));
  }

  @Test
  void aGroupWithMembersCanNeitherBeResetNorDeleted_andAnEmptyOneIsDeleted() {
    String g = "reset-active";
    admin.resetOffsets(g, TOPIC, List.of(), ResetTo.offset(2), false);
    try (GroupConsumer member =
        GroupConsumer.builder()
            .bootstrap(bootstrap)
            .groupId(g)
            .autoCommit(false)
            .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
            .build()) {
      member.subscribe(List.of(TOPIC));
      long deadlineMs = System.currentTimeMillis() + 10_000;
      while (member.assignment().size() < 2) {
        assertFalse(System.currentTimeMillis() > deadlineMs, "no assignment within 10 s");
        member.poll(Duration.ofMillis(50));
      }
      RunnelException reset =
          assertThrows(RunnelException.class, () -> admin.resetOffsets(g, TOPIC, List.of(), ResetTo.earliest(), true));
      assertEquals(ErrorReason.GROUP_NOT_EMPTY, reset.reason());
      assertTrue(reset.getMessage().contains("1 active member"), reset.getMessage());
      assertEquals("1", reset.metadata().get("members"));
      RunnelException delete = assertThrows(RunnelException.class, () -> admin.deleteGroup(g));
      assertEquals(ErrorReason.GROUP_NOT_EMPTY, delete.reason());
      assertEquals(Map.of(0, 2L, 1, 2L), committed(g), "nothing changed");
    }
    // The member left on close: the group is empty now.
    assertEquals(2, admin.deleteGroup(g));
    RunnelException gone = assertThrows(RunnelException.class, () -> admin.describeGroup(g));
    assertEquals(ErrorReason.UNKNOWN_GROUP, gone.reason());
    RunnelException again = assertThrows(RunnelException.class, () -> admin.deleteGroup(g));
    assertEquals(ErrorReason.UNKNOWN_GROUP, again.reason());
    assertFalse(admin.listGroups().stream().anyMatch(s -> s.getGroup().equals(g)));
  }

  @Test
  void badInputGetsAClearError() {
    RunnelException noGroup =
        assertThrows(RunnelException.class, () -> admin.resetOffsets("", TOPIC, List.of(), ResetTo.earliest(), false));
    assertEquals(ErrorReason.INVALID_REQUEST, noGroup.reason());
    assertTrue(noGroup.getMessage().contains("group must be"), noGroup.getMessage());
    RunnelException noTopic =
        assertThrows(RunnelException.class, () -> admin.resetOffsets("g", "nope", List.of(), ResetTo.earliest(), false));
    assertEquals(ErrorReason.UNKNOWN_TOPIC, noTopic.reason());
    RunnelException noPartition =
        assertThrows(RunnelException.class, () -> admin.resetOffsets("g", TOPIC, List.of(5), ResetTo.earliest(), false));
    assertEquals(ErrorReason.UNKNOWN_PARTITION, noPartition.reason());
    assertTrue(noPartition.getMessage().contains("has no partition 5"), noPartition.getMessage());
    RunnelException twice =
        assertThrows(RunnelException.class, () -> admin.resetOffsets("g", TOPIC, List.of(1, 1), ResetTo.earliest(), false));
    assertEquals(ErrorReason.INVALID_REQUEST, twice.reason());
    assertThrows(IllegalArgumentException.class, () -> ResetTo.offset(-1));
    RunnelException deleteEmptyName = assertThrows(RunnelException.class, () -> admin.deleteGroup(""));
    assertEquals(ErrorReason.INVALID_REQUEST, deleteEmptyName.reason());
  }
}
