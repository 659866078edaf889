package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.DescribeGroupResponse;
import dev.runnel.proto.v1.PartitionLag;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups on a 3-node cluster: the coordinator is the controller leader; a member that
 * starts on another node follows NOT_COORDINATOR to it, and when the coordinator's node dies the
 * member rejoins on the new one and resumes at the committed offsets.
 */
class ClusterGroupsTest {
  private static final String TOPIC = "cgroups";
  private static final int PARTITIONS = 3;

  @TempDir Path root;

  @Test
  void theGroupFollowsItsCoordinatorAndCommittedOffsetsSurviveItsNode() throws Exception {
    try (LocalCluster cluster = new LocalCluster(root, 3).startAll()) {
      int coordinator;
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        admin.createTopic(TOPIC, PARTITIONS, 3, Map.of());
        // Right after an election (a loaded machine may hold one) the leader is briefly unknown.
        coordinator =
            await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> admin.metadata(List.of()).getControllerId(), id -> id >= 1);
      }
      int other = coordinator == 1 ? 2 : 1;
      String bootstrap = cluster.bootstrap(other);
      produce(bootstrap, 0, 60);

      Map<TopicPartition, Long> next = new HashMap<>();
      try (GroupConsumer consumer =
          GroupConsumer.builder()
              .bootstrap(bootstrap)
              .groupId("cg")
              .sessionTimeoutMs(3_000)
              .autoCommit(false)
              .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
              .build()) {
        consumer.subscribe(List.of(TOPIC));
        int read = readUntil(consumer, 60, next);
        assertEquals(60, read);
        consumer.commitSync(next);
        try (Admin viaOther = Admin.create(bootstrap)) {
          DescribeGroupResponse group = viaOther.describeGroup("cg");
          assertEquals(coordinator, group.getCoordinatorId(), "described by the coordinator, via a forward");
          assertEquals(1, group.getMembersCount());
          assertEquals(60, group.getPartitionsList().stream().mapToLong(PartitionLag::getCommittedOffset).sum());
        }

        cluster.stop(coordinator);
        produce(bootstrap, 60, 30);
        // The member rejoins on the new controller leader and starts at the committed offsets:
        // exactly the 30 new records, none of the 60 committed ones again.
        Map<TopicPartition, Long> afterFailover = new HashMap<>();
        int again = readUntil(consumer, 30, afterFailover);
        assertEquals(30, again);
        consumer.commitSync(afterFailover);
      }
      try (Admin admin = Admin.create(bootstrap)) {
        DescribeGroupResponse group = admin.describeGroup("cg");
        assertTrue(group.getCoordinatorId() != coordinator);
        long committed = group.getPartitionsList().stream().mapToLong(PartitionLag::getCommittedOffset).sum();
        assertEquals(90, committed);
        group.getPartitionsList().forEach(p -> assertEquals(0, p.getLag(), p.toString()));
      }
    }
  }

  /** Polls until {@code count} records arrived (30 s at most); records each partition's next offset. */
  private static int readUntil(GroupConsumer consumer, int count, Map<TopicPartition, Long> next) {
    int read = 0;
    long deadlineMs = System.currentTimeMillis() + 30_000;
    while (read < count && System.currentTimeMillis() < deadlineMs) {
      for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
        read++;
        next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
      }
    }
    // Nothing more arrives (no duplicates of what was committed).
    for (ConsumerRecord r : consumer.poll(Duration.ofMillis(300))) {
      read++;
      next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
    }
    return read;
  }

  private static void produce(String bootstrap, int from, int count) {
    try (Producer producer = Producer.builder().bootstrap(bootstrap).build()) {
      for (int i = from; i < from + count; i++) {
        producer.send(
            new ProducerRecord(TOPIC, i % PARTITIONS, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8), List.of(), 0));
      }
      producer.flush();
    }
  }
}
