package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.ListTopicsRequest;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordMetadata;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that was down while its leader snapshotted and purged the Raft log catches up by
 * copying from the leader — for a partition and for the controller — and then goes on like any
 * other replica.
 */
class CatchUpTest {
  private static final String TOPIC = "caught";
  /** Keys pad the records so the Raft log rolls (and purges) many small segments. */
  private static final byte[] PADDING = new byte[1024];

  static {
    Arrays.fill(PADDING, (byte) 'p');
  }

  @TempDir Path root;

  @Test
  void aReplicaBehindThePurgedLogCatchesUpFromTheLeader() throws Exception {
    try (LocalCluster cluster =
        new LocalCluster(root, 3)
            .with("raft.snapshot.every.entries", "16")
            // Small entries allow small segments: only closed segments are purged.
            .with("message.max.bytes", Integer.toString(16 << 10))
            .with("raft.log.segment.bytes", Integer.toString(64 << 10))
            .startAll()) {
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        admin.createTopic(TOPIC, 1, 3, Map.of());
      }
      int leader = leaderOf(cluster, 1);
      int away = leader == 3 ? 2 : 3;
      List<Integer> acked = new ArrayList<>();
      try (Producer producer =
          Producer.builder().bootstrap(cluster.bootstrap(leader)).batchSizeBytes(12 << 10).build()) {
        produce(producer, 0, 200, acked);
        cluster.stop(away);
        produce(producer, 200, 3_000, acked);
        // Controller entries of ~250 bytes each (producer ids with long names), so the
        // controller's Raft log rolls and purges too.
        TestNodes.growControllerLog(cluster, leader, 400, i -> String.format("%04d", i) + "n".repeat(240));
        try (Admin admin = Admin.create(cluster.bootstrap(leader))) {
          admin.createTopic("made-while-away", 1, 1, Map.of());
        }

        cluster.start(away);
        List<Integer> replicas = cluster.awaitReplicasEqual(TOPIC, 0);
        assertEquals(acked, replicas, "every acknowledged record, once, in order");
        assertEquals(1L, cluster.node(away).metrics().registry().getGauges()
            .get("runnel.partitions.catch.ups").getValue(), "the partition caught up by copying");
        assertTrue((Long) cluster.node(away).metrics().registry().getGauges()
            .get("runnel.controller.catch.ups").getValue() >= 1, "the controller caught up by copying");
        assertTrue(knowsTopic(cluster, away, "made-while-away"), "the copied metadata holds every change");

        // The caught-up replica applies new entries like the others, also after a restart.
        produce(producer, 3_000, 3_100, acked);
        assertEquals(acked, cluster.awaitReplicasEqual(TOPIC, 0));
        cluster.stop(away);
        cluster.start(away);
        produce(producer, 3_100, 3_200, acked);
        assertEquals(acked, cluster.awaitReplicasEqual(TOPIC, 0));
      }
    }
  }

  private static void produce(Producer producer, int from, int to, List<Integer> acked) {
    List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sends.add(
          producer.send(
              new ProducerRecord(
                  TOPIC, 0, PADDING, Integer.toString(i).getBytes(StandardCharsets.UTF_8), List.of(), 0)));
    }
    producer.flush();
    sends.forEach(CompletableFuture::join);
    for (int i = from; i < to; i++) {
      acked.add(i);
    }
  }

  /** Whether the node's own metadata copy knows {@code topic} (ListTopics reads it locally). */
  private static boolean knowsTopic(LocalCluster cluster, int node, String topic) {
    ManagedChannel channel = TestNodes.channel(cluster.node(node));
    try {
      return AdminGrpc.newBlockingStub(channel).listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsList()
          .stream().anyMatch(t -> t.getName().equals(topic));
    } finally {
      channel.shutdownNow();
    }
  }

  private static int leaderOf(LocalCluster cluster, int askNode) {
    try (Admin admin = Admin.create(cluster.bootstrap(askNode))) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> admin.describeTopic(TOPIC).getPartitions(0).getLeaderId() > 0);
      return admin.describeTopic(TOPIC).getPartitions(0).getLeaderId();
    }
  }
}
