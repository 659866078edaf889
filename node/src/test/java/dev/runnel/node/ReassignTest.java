package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.TopicDescription;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RunnelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Moving a partition's replicas between nodes keeps every record readable, in order. */
class ReassignTest {
  private static final String TOPIC = "moving";

  @TempDir Path root;

  @Test
  void aReplicaMovesToAnotherNodeAndThePreferredLeaderMovesToo() throws Exception {
    try (LocalCluster cluster = new LocalCluster(root, 3).startAll();
        Admin admin = Admin.create(cluster.bootstrap(1))) {
      TopicDescription created = admin.createTopic(TOPIC, 1, 2, Map.of());
      List<Integer> before = created.getPartitions(0).getReplicasList();
      int first = before.get(0);
      int second = before.get(1);
      int third = 6 - first - second;
      List<Integer> acked = new ArrayList<>();
      try (Producer producer = Producer.builder().bootstrap(cluster.bootstrap(1)).build()) {
        produce(producer, 0, 300, acked);

        for (List<Integer> bad : List.of(List.of(first, 9), List.of(first, first), before, List.<Integer>of())) {
          RunnelException e = assertThrows(RunnelException.class, () -> admin.reassignPartition(TOPIC, 0, bad));
          assertEquals(ErrorReason.INVALID_REQUEST, e.reason(), bad + ": " + e.getMessage());
        }

        // The second replica moves to the third node: it copies the data, the old one leaves.
        admin.reassignPartition(TOPIC, 0, List.of(first, third));
        awaitMoved(cluster, third, second);
        assertEquals(acked, cluster.readValues(third, TOPIC, 0));
        produce(producer, 300, 400, acked);

        // Drain the first node (the leader, most likely): the third becomes the preferred leader.
        admin.reassignPartition(TOPIC, 0, List.of(third, second));
        awaitMoved(cluster, second, first);
        produce(producer, 400, 500, acked);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> admin.describeTopic(TOPIC).getPartitions(0).getLeaderId() == third);
      }
      assertEquals(acked, cluster.readValues(third, TOPIC, 0));
      assertEquals(acked, cluster.readValues(second, TOPIC, 0));
      assertEquals(List.of(third, second), admin.describeTopic(TOPIC).getPartitions(0).getReplicasList());
    }
  }

  private static void awaitMoved(LocalCluster cluster, int to, int from) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> cluster.node(to).hostsReplica(TOPIC, 0) && !cluster.node(from).hostsReplica(TOPIC, 0));
    assertTrue(cluster.node(to).hostsReplica(TOPIC, 0));
  }

  private static void produce(Producer producer, int from, int to, List<Integer> acked) {
    for (int i = from; i < to; i++) {
      producer.sendSync(ProducerRecord.of(TOPIC, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
      acked.add(i);
    }
  }
}
