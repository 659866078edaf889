package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.FetchRequest;
import dev.runnel.proto.v1.FetchResponse;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordMetadata;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica whose stored batch was damaged on disk never serves it and repairs it from another replica. */
class CorruptReplicaTest {
  private static final String TOPIC = "scrubbed";
  private static final String MARKER = "987654321";

  @TempDir Path root;

  @Test
  void aDamagedBatchIsRefusedThenRepairedFromAnotherReplica() throws Exception {
    try (LocalCluster cluster = new LocalCluster(root, 3).startAll()) {
      try (Admin admin = Admin.create(cluster.bootstrap(1))) {
        admin.createTopic(TOPIC, 1, 3, Map.of());
      }
      long markerOffset;
      try (Producer producer = Producer.builder().bootstrap(cluster.bootstrap(1)).build()) {
        for (int i = 0; i < 10; i++) {
          producer.sendSync(ProducerRecord.of(TOPIC, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
        }
        RecordMetadata marker =
            producer.sendSync(ProducerRecord.of(TOPIC, null, MARKER.getBytes(StandardCharsets.UTF_8)));
        markerOffset = marker.offset();
      }
      cluster.awaitReplicasEqual(TOPIC, 0);
      int damagedNode = 2;
      cluster.stop(damagedNode);
      flipByteOf(MARKER, root.resolve("node-" + damagedNode));
      cluster.start(damagedNode);

      ManagedChannel channel = TestNodes.channel(cluster.node(damagedNode));
      try {
        BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
        FetchRequest fetch =
            FetchRequest.newBuilder().setTopic(TOPIC).setPartition(0).setOffset(markerOffset).build();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> broker.fetch(fetch));
        assertEquals(Status.Code.DATA_LOSS, refused.getStatus().getCode());
        assertTrue(refused.getMessage().contains("CORRUPT_BATCH"), refused.getMessage());

        FetchResponse repaired =
            await()
                .atMost(Duration.ofSeconds(20))
                .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
                .until(() -> broker.fetch(fetch), r -> r.getBatchesCount() > 0);
        assertEquals(
            MARKER, repaired.getBatches(0).getRecords().getRecords(0).getValue().toStringUtf8());
        assertEquals(1, cluster.node(damagedNode).metrics().corruptBatchesRepaired.getCount());
        assertTrue(cluster.node(damagedNode).metrics().corruptBatchesFound.getCount() >= 1);
      } finally {
        channel.shutdownNow();
      }
      List<Integer> values = cluster.awaitReplicasEqual(TOPIC, 0);
      assertEquals(Integer.parseInt(MARKER), values.get(values.size() - 1));
    }
  }

  /** Flips one byte of the only occurrence of {@code text} in the node's partition LMDB files. */
  private static void flipByteOf(String text, Path nodeDir) throws Exception {
    byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
    int flipped = 0;
    try (Stream<Path> files = Files.walk(nodeDir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().equals("data.mdb")).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
          if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
            bytes[i + 4] ^= 0x01;
            flipped++;
          }
        }
        if (flipped > 0) {
          Files.write(file, bytes);
          break;
        }
      }
    }
    assertEquals(1, flipped, "the marker is stored once in the partition's LMDB file");
  }
}
