package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.node.group.OffsetsTopic;
import dev.runnel.proto.v1.CommitOffsetsRequest;
import dev.runnel.proto.v1.CommittedOffset;
import dev.runnel.proto.v1.DescribeGroupResponse;
import dev.runnel.proto.v1.OffsetsGrpc;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.proto.v1.PartitionLag;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.TopicPartition;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups on a 3-node cluster: a group's coordinator is the leader of its
 * __consumer_offsets partition; a member that starts on another node follows NOT_COORDINATOR to
 * it, groups in partitions led by different nodes have different coordinators, and when the
 * coordinator's node dies the member rejoins on the partition's new leader and resumes at the
 * committed offsets (rebuilt there from the topic).
 */
class ClusterGroupsTest {
  static final String TOPIC = "cgroups";
  static final int PARTITIONS = 3;

  @TempDir Path root;

  @Test
  void theGroupFollowsItsOffsetsPartitionLeaderAndCommittedOffsetsSurviveItsNode() throws Exception {
    try (LocalCluster cluster = new LocalCluster(root, 3).startAll()) {
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        admin.createTopic(TOPIC, PARTITIONS, 3, Map.of());
      }
      // The cluster's first commit creates __consumer_offsets.
      commit(cluster, 1, "warm-up", 0);
      int coordinator = offsetsLeader(cluster, "cg");
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
          assertEquals(offsetsLeader(cluster, "cg"), group.getCoordinatorId(), "described by the coordinator, via a forward");
          coordinator = group.getCoordinatorId();
          assertEquals(1, group.getMembersCount());
          assertEquals(60, group.getPartitionsList().stream().mapToLong(PartitionLag::getCommittedOffset).sum());
          // A group whose offsets partition another node leads is coordinated there.
          String elsewhere = groupLedBy(cluster, n -> n != group.getCoordinatorId());
          commit(cluster, other, elsewhere, 7);
          assertNotEquals(coordinator, viaOther.describeGroup(elsewhere).getCoordinatorId());
        }
        assertTrue(coordinator != other, "the consumer's bootstrap node must survive");

        cluster.stop(coordinator);
        produce(bootstrap, 60, 30);
        // The member rejoins on the partition's new leader and starts at the committed offsets:
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

  /** The node leading the __consumer_offsets partition of {@code group}, as node 1 sees it. */
  private static int offsetsLeader(LocalCluster cluster, String group) {
    try (Admin admin = Admin.create(cluster.bootstrap(1))) {
      return await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                TopicDescription offsets = admin.describeTopic(OffsetsTopic.NAME);
                return offsets.getPartitions(OffsetsTopic.partitionFor(group, offsets.getPartitionsCount())).getLeaderId();
              },
              id -> id >= 1);
    }
  }

  /** A group id whose offsets partition is led by a node matching {@code leader}. */
  private static String groupLedBy(LocalCluster cluster, java.util.function.IntPredicate leader) {
    for (int i = 0; i < 1_000; i++) {
      if (leader.test(offsetsLeader(cluster, "other-" + i))) {
        return "other-" + i;
      }
    }
    throw new AssertionError("every offsets partition has the same leader");
  }

  /** Commits {@code offset} of TOPIC-0 for {@code group} (no member) through node {@code via}. */
  private static void commit(LocalCluster cluster, int via, String group, long offset) {
    ManagedChannel channel = TestNodes.channel(cluster.node(via));
    try {
      var stub = OffsetsGrpc.newBlockingStub(channel);
      CommitOffsetsRequest request =
          CommitOffsetsRequest.newBuilder()
              .setGroup(group)
              .addOffsets(CommittedOffset.newBuilder().setTopic(TOPIC).setPartition(0).setOffset(offset))
              .build();
      // Retriable NOT_COORDINATOR while the offsets partitions elect their leaders.
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
          .until(() -> stub.commitOffsets(request) != null);
    } finally {
      channel.shutdownNow();
    }
  }

  /** Polls until {@code count} records arrived (30 s at most); records each partition's next offset. */
  static int readUntil(GroupConsumer consumer, int count, Map<TopicPartition, Long> next) {
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

  static void produce(String bootstrap, int from, int count) {
    try (Producer producer = Producer.builder().bootstrap(bootstrap).build()) {
      for (int i = from; i < from + count; i++) {
        producer.send(
            new ProducerRecord(TOPIC, i % PARTITIONS, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8), List.of(), 0));
      }
      producer.flush();
    }
  }
}
