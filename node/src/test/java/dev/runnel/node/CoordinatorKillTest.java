package dev.runnel.node;

import static dev.runnel.node.ClusterGroupsTest.PARTITIONS;
import static dev.runnel.node.ClusterGroupsTest.TOPIC;
import static dev.runnel.node.ClusterGroupsTest.produce;
import static dev.runnel.node.ClusterGroupsTest.readUntil;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.runnel.node.group.OffsetsTopic;
import dev.runnel.proto.v1.DescribeGroupResponse;
import dev.runnel.proto.v1.PartitionDescription;
import dev.runnel.proto.v1.PartitionLag;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, each in its own JVM. The node coordinating a group (the leader of the group's
 * __consumer_offsets partition) is killed with SIGKILL after the group committed: the member,
 * bootstrapped from another node, rejoins on the partition's new leader and resumes exactly at the
 * committed offsets, which survived on the other replicas.
 */
class CoordinatorKillTest {
  private static final int NODES = 3;
  private static final String GROUP = "killed-coordinator";

  @TempDir Path root;

  @Test
  void committedOffsetsSurviveKillMinus9OfTheCoordinator() throws Exception {
    int[] grpcPorts = new int[NODES + 1];
    int[] raftPorts = new int[NODES + 1];
    List<String> voters = new ArrayList<>();
    for (int id = 1; id <= NODES; id++) {
      grpcPorts[id] = NodeProcess.freePort();
      raftPorts[id] = NodeProcess.freePort();
      voters.add(id + "@127.0.0.1:" + raftPorts[id]);
    }
    Process[] nodes = new Process[NODES + 1];
    try {
      for (int id = 1; id <= NODES; id++) {
        nodes[id] =
            NodeProcess.start(
                root.resolve("node-" + id),
                grpcPorts[id],
                raftPorts[id],
                "384m",
                Map.of("node.id", Integer.toString(id), "controller.quorum.voters", String.join(",", voters)));
      }
      for (int id = 1; id <= NODES; id++) {
        NodeProcess.awaitUp(bootstrap(grpcPorts, id));
      }
      try (Admin admin = Admin.create(bootstrap(grpcPorts, 1))) {
        // RF 3 needs every node registered; each registers as it starts.
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(() -> admin.createTopic(TOPIC, PARTITIONS, NODES, Map.of()) != null);
      }

      // A first group's join creates __consumer_offsets; then GROUP's coordinator is known and
      // its member is bootstrapped from another node, one that survives.
      try (GroupConsumer warmUp = member(bootstrap(grpcPorts, 1), "warm-up")) {
        warmUp.poll(Duration.ofMillis(500));
      }
      int coordinator = offsetsLeader(bootstrap(grpcPorts, 1));
      String bootstrap = bootstrap(grpcPorts, coordinator == 1 ? 2 : 1);
      try (GroupConsumer consumer = member(bootstrap, GROUP)) {
        Map<TopicPartition, Long> next = new HashMap<>();
        produce(bootstrap, 0, 60);
        assertEquals(60, readUntil(consumer, 60, next));
        consumer.commitSync(next);
        try (Admin admin = Admin.create(bootstrap)) {
          assertEquals(coordinator, admin.describeGroup(GROUP).getCoordinatorId(), "leadership moved before the kill");
        }

        nodes[coordinator].destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL
        produce(bootstrap, 60, 30);
        // Rejoined on the new leader of the offsets partition, the member reads exactly the 30
        // new records: none of the 60 it committed before the kill comes again.
        Map<TopicPartition, Long> afterKill = new HashMap<>();
        assertEquals(30, readUntil(consumer, 30, afterKill));
        consumer.commitSync(afterKill);
      }
      try (Admin admin = Admin.create(bootstrap)) {
        DescribeGroupResponse group = admin.describeGroup(GROUP);
        assertNotEquals(coordinator, group.getCoordinatorId());
        assertEquals(90, group.getPartitionsList().stream().mapToLong(PartitionLag::getCommittedOffset).sum());
        group.getPartitionsList().forEach(p -> assertEquals(0, p.getLag(), p.toString()));
      }
    } finally {
      for (int id = 1; id <= NODES; id++) {
        if (nodes[id] != null) {
          nodes[id].destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static GroupConsumer member(String bootstrap, String group) {
    GroupConsumer consumer =
        GroupConsumer.builder()
            .bootstrap(bootstrap)
            .groupId(group)
            .sessionTimeoutMs(3_000)
            .autoCommit(false)
            .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
            .build();
    consumer.subscribe(List.of(TOPIC));
    return consumer;
  }

  /**
   * The node leading GROUP's __consumer_offsets partition, once that is its preferred replica (the
   * first): a new partition's leader moves there soon after creation.
   */
  private static int offsetsLeader(String bootstrap) {
    try (Admin admin = Admin.create(bootstrap)) {
      return await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () -> {
                TopicDescription offsets = admin.describeTopic(OffsetsTopic.NAME);
                PartitionDescription partition =
                    offsets.getPartitions(OffsetsTopic.partitionFor(GROUP, offsets.getPartitionsCount()));
                return partition.getLeaderId() == partition.getReplicas(0) ? partition.getLeaderId() : -1;
              },
              id -> id >= 1);
    }
  }

  private static String bootstrap(int[] grpcPorts, int id) {
    return "127.0.0.1:" + grpcPorts[id];
  }
}
