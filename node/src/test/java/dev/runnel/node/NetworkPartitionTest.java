package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordMetadata;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition leader cut off from the other two nodes' Raft traffic: it cannot acknowledge a write
 * (no majority), the other two elect a leader and go on, and once healed the cut node catches up
 * to the same log.
 */
class NetworkPartitionTest {
  @TempDir Path root;

  @Test
  void minorityCannotAcknowledgeMajorityGoesOnHealedNodeCatchesUp() throws Exception {
    try (LocalCluster cluster = new LocalCluster(root, 3).cuttable().with("produce.timeout.ms", "3000").startAll()) {
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        admin.createTopic("cut", 1, 3, Map.of());
      }
      int leader = leaderOf(cluster, 1);
      int other = leader == 1 ? 2 : 1;
      List<Integer> acked = new ArrayList<>();
      try (Producer producer =
          Producer.builder().bootstrap(cluster.bootstrap(other)).requestTimeoutMs(5_000).build()) {
        send(producer, 0, 100, acked);

        cluster.cut(leader);
        // The cut leader may still believe it leads, but nothing it is asked to write can reach
        // a majority: the write is refused or times out, never acknowledged.
        ManagedChannel channel = TestNodes.channel(cluster.node(leader));
        try {
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  BrokerGrpc.newBlockingStub(channel)
                      .produce(
                          ProduceRequest.newBuilder()
                              .setTopic("cut")
                              .setPartition(0)
                              .setBatch(oneRecord(-1))
                              .build()));
        } finally {
          channel.shutdownNow();
        }
        // The majority elects a new leader and acknowledges on (the SDK retries meanwhile).
        send(producer, 100, 300, acked);
        assertFalse(
            cluster.readValues(leader, "cut", 0).contains(299), "the cut node cannot have what the majority wrote since");
        cluster.healAll();
        send(producer, 300, 400, acked);
      }
      List<Integer> stored = cluster.awaitReplicasEqual("cut", 0);
      assertTrue(stored.containsAll(acked), "every acknowledged record is on every replica");
      assertFalse(stored.contains(-1), "the write the cut leader could not commit is gone");
      assertEquals(acked, stored.stream().filter(v -> v >= 0).toList(), "in send order, once each");
      await().atMost(Duration.ofSeconds(30)).until(() -> leaderOf(cluster, leader) > 0);
    }
  }

  private static void send(Producer producer, int from, int to, List<Integer> acked) {
    List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sends.add(producer.send(ProducerRecord.of("cut", null, Integer.toString(i).getBytes(StandardCharsets.UTF_8))));
    }
    producer.flush();
    for (int i = from; i < to; i++) {
      sends.get(i - from).join(); // throws if it was not acknowledged
      acked.add(i);
    }
  }

  private static RecordBatch oneRecord(int value) {
    return RecordBatch.newBuilder()
        .setRecordCount(1)
        .setRecords(
            RecordSet.newBuilder()
                .addRecords(Record.newBuilder().setValue(ByteString.copyFromUtf8(Integer.toString(value)))))
        .build();
  }

  private static int leaderOf(LocalCluster cluster, int askNode) {
    try (Admin admin = Admin.create(cluster.bootstrap(askNode))) {
      return admin.describeTopic("cut").getPartitions(0).getLeaderId();
    }
  }
}
