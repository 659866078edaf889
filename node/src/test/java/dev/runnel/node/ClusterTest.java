package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.Acks;
import dev.runnel.proto.v1.DescribeClusterResponse;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.NodeStatus;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordMetadata;
import dev.runnel.sdk.RunnelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes on loopback: replication, failover of a partition leader, catch-up. */
class ClusterTest {
  private static final int PARTITIONS = 3;
  private static final int PER_PHASE = 1_500;

  @TempDir Path root;

  @Test
  void leaderFailoverLosesNoAcknowledgedRecordAndReplicasConverge() throws Exception {
    try (LocalCluster cluster = new LocalCluster(root, 3).startAll()) {
      TopicDescription created;
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        created = admin.createTopic("replicated", PARTITIONS, 3, Map.of());
      }
      for (var p : created.getPartitionsList()) {
        assertEquals(3, p.getReplicasCount(), "RF=3: a replica on every node");
      }
      try (Admin admin = Admin.create(cluster.bootstrap(2))) {
        RunnelException tooMany =
            assertThrows(RunnelException.class, () -> admin.createTopic("rf4", 1, 4, Map.of()));
        assertEquals(ErrorReason.INVALID_REPLICATION_FACTOR, tooMany.reason());
        assertTrue(tooMany.getMessage().contains("3 live node(s)"), tooMany.getMessage());
      }

      try (Admin admin = Admin.create(cluster.bootstrap(3))) {
        DescribeClusterResponse described = admin.describeCluster();
        assertEquals(3, described.getNodesCount());
        try (Admin other = Admin.create(cluster.bootstrap(1))) {
          assertEquals(described.getClusterId(), other.describeCluster().getClusterId(), "one cluster id");
        }
        assertTrue(described.getControllerId() >= 1);
        int leaders = 0;
        for (NodeStatus n : described.getNodesList()) {
          assertTrue(n.getAlive(), "node " + n.getId() + " answers");
          assertEquals(PARTITIONS, n.getReplicas(), "RF=3 on 3 nodes: every node holds every partition");
          leaders += n.getLeaders();
        }
        assertEquals(PARTITIONS, leaders, "each partition has exactly one leader");
      }
      try (Producer all =
          Producer.builder().bootstrap(cluster.bootstrap(2)).acks(Acks.ACKS_ALL).build()) {
        RecordMetadata md = all.sendSync(ProducerRecord.of("replicated", null, "-2".getBytes(StandardCharsets.UTF_8)));
        // acks=all: every replica's Raft log has it on disk the moment it is acknowledged. The
        // leader applied it to its partition log before answering, and nothing else writes to the
        // topic meanwhile, so the highest entry applied to a replica's partition log is the
        // record's (Ratis' own entries, e.g. a new leader's first one, may follow it) ...
        long entry = 0;
        for (int n = 1; n <= 3; n++) {
          entry = Math.max(entry, cluster.node(n).lastAppliedLogEntry("replicated", md.partition()));
        }
        for (int n = 1; n <= 3; n++) {
          long flushed = cluster.node(n).raftFlushedIndex("replicated", md.partition());
          assertTrue(flushed >= entry, "node " + n + " has the acks=all entry " + entry + " on disk, has " + flushed);
        }
        // ... and each applies it to its partition log once it learns of the commit.
        for (int n = 1; n <= 3; n++) {
          int node = n;
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> cluster.readValues(node, "replicated", md.partition()).contains(-2));
        }
      }

      int victim = leaderOf(cluster, 1, 0);
      assertTrue(victim >= 1, "partition 0 has a leader");
      int bootstrapNode = victim == 1 ? 2 : 1;
      Map<Integer, List<Integer>> acked = new HashMap<>();
      // Produce through a node that stays up; the SDK routes to leaders and nodes forward.
      try (Producer producer =
          Producer.builder().bootstrap(cluster.bootstrap(bootstrapNode)).lingerMs(2).build()) {
        produce(producer, 0, PER_PHASE, acked);
        cluster.stop(victim); // the leader of partition 0 goes away mid-stream
        long pauseStartNs = System.nanoTime();
        RecordMetadata first =
            producer.sendSync(
                new ProducerRecord("replicated", 0, null, "-1".getBytes(StandardCharsets.UTF_8), List.of(), 0));
        System.out.printf(
            "ClusterTest: leader node %d of partition 0 stopped; next produce acknowledged after %d ms (partition %d)%n",
            victim, (System.nanoTime() - pauseStartNs) / 1_000_000, first.partition());
        acked.computeIfAbsent(first.partition(), k -> new ArrayList<>()).add(-1);
        produce(producer, PER_PHASE, 2 * PER_PHASE, acked);
        assertTrue(leaderOf(cluster, bootstrapNode, 0) != victim, "partition 0 elected a new leader");
        try (Admin admin = Admin.create(cluster.bootstrap(bootstrapNode))) {
          // The stopped node no longer heartbeats: it shows dead once its session times out.
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      admin.describeCluster().getNodesList().stream()
                          .allMatch(n -> n.getAlive() == (n.getId() != victim)));
        }
        cluster.start(victim);
        produce(producer, 2 * PER_PHASE, 3 * PER_PHASE, acked);
      }
      // Preferred leadership comes back by itself once the returning node has caught up.
      int preferred = created.getPartitions(0).getReplicas(0);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> leaderOf(cluster, bootstrapNode, 0) == preferred);

      // Every replica converges to the same log, holding every acknowledged record in order.
      for (int p = 0; p < PARTITIONS; p++) {
        List<Integer> reference = cluster.awaitReplicasEqual("replicated", p);
        List<Integer> expected = acked.getOrDefault(p, List.of());
        List<Integer> firstSeen = new ArrayList<>(new LinkedHashSet<>(reference));
        assertTrue(
            new java.util.HashSet<>(firstSeen).containsAll(expected),
            "partition " + p + " lost acknowledged records");
        assertEquals(
            expected,
            firstSeen.stream().filter(new java.util.HashSet<>(expected)::contains).toList(),
            "partition " + p + " keeps the send order");
      }
      // DeleteRecords through any node moves the log start on every replica alike.
      try (Admin admin = Admin.create(cluster.bootstrap(3))) {
        assertEquals(10, admin.deleteRecords("replicated", 0, 10));
      }
      for (int n = 1; n <= 3; n++) {
        int node = n;
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> cluster.node(node).describeLocal("replicated", 0) == 10);
      }
    }
  }

  private static void produce(Producer producer, int from, int to, Map<Integer, List<Integer>> acked) {
    List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sends.add(
          producer.send(
              ProducerRecord.of(
                  "replicated",
                  ("k" + i % 17).getBytes(StandardCharsets.UTF_8),
                  Integer.toString(i).getBytes(StandardCharsets.UTF_8))));
    }
    producer.flush();
    for (int i = 0; i < sends.size(); i++) {
      RecordMetadata md = sends.get(i).join();
      acked.computeIfAbsent(md.partition(), k -> new ArrayList<>()).add(from + i);
    }
  }

  private static int leaderOf(LocalCluster cluster, int askNode, int partition) {
    try (Admin admin = Admin.create(cluster.bootstrap(askNode))) {
      return admin.describeTopic("replicated").getPartitions(partition).getLeaderId();
    }
  }
}
