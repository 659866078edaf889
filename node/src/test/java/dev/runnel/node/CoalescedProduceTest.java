package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many producers on one partition: the leader coalesces the batches that queue up while an entry
 * is replicated into one Raft entry. Every record must still be stored once, at the offset its
 * producer was told, each producer's records in send order; and an entry of several batches must
 * apply the same way again when the Raft log is replayed into an empty partition log (what a
 * follower or a restarted replica does with the entry's bytes).
 */
class CoalescedProduceTest {
  private static final String TOPIC = "coalesced";
  private static final int PRODUCERS = 8;
  private static final int RECORDS_EACH = 400;

  @TempDir Path dataDir;

  @Test
  void batchesOfManyProducersShareEntriesAndReplayTheSame() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    config.put("raft.append.entries.in.flight.max", "1");
    config.put("raft.snapshot.every.entries", "1000000"); // keep the whole Raft log for the replay
    List<String> stored;
    RunnelNode node = TestNodes.start(config);
    try (Admin admin = Admin.create("127.0.0.1:" + node.grpcPort())) {
      admin.createTopic(TOPIC, 1, 1, Map.of());
      long entriesBefore = node.metrics().raftAppendEntries.getCount();
      long batchesBefore = node.metrics().raftAppendBatches.getCount();

      Map<String, Long> offsetOf = produceConcurrently(node);

      long entries = node.metrics().raftAppendEntries.getCount() - entriesBefore;
      long batches = node.metrics().raftAppendBatches.getCount() - batchesBefore;
      assertTrue(batches > entries, batches + " batches went in " + entries + " entries: none were coalesced");

      stored = TestNodes.readValues(node, TOPIC, 0);
      assertEquals(PRODUCERS * RECORDS_EACH, stored.size(), "every record once");
      offsetOf.forEach((value, offset) -> assertEquals(value, stored.get(Math.toIntExact(offset)),
          "the record at the offset its producer was told"));
      for (int p = 0; p < PRODUCERS; p++) {
        String prefix = "p" + p + "-";
        List<String> own = stored.stream().filter(v -> v.startsWith(prefix)).toList();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < RECORDS_EACH; i++) {
          sent.add(prefix + i);
        }
        assertEquals(sent, own, "producer " + p + "'s records in send order");
      }
    } finally {
      node.close();
    }

    // Empty the partition's LMDB log: on start Ratis replays every entry into it from the bytes.
    deletePartitionLogs(dataDir);
    node = TestNodes.start(config);
    try {
      RunnelNode restarted = node;
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> TestNodes.readValues(restarted, TOPIC, 0).size() == stored.size());
      assertEquals(stored, TestNodes.readValues(node, TOPIC, 0), "the replayed log equals the original");
    } finally {
      node.close();
    }
  }

  /** Each producer sends its records as fast as it can; returns each record's acknowledged offset. */
  private static Map<String, Long> produceConcurrently(RunnelNode node) throws Exception {
    List<CompletableFuture<Map<String, Long>>> runs = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      int producerIndex = p;
      runs.add(CompletableFuture.supplyAsync(() -> produce(node, producerIndex), OwnThreads.EACH));
    }
    Map<String, Long> offsets = new HashMap<>();
    for (CompletableFuture<Map<String, Long>> run : runs) {
      offsets.putAll(run.get());
    }
    return offsets;
  }

  private static Map<String, Long> produce(RunnelNode node, int producerIndex) {
    Map<String, Long> offsets = new HashMap<>();
    try (Producer producer =
        Producer.builder()
            .bootstrap("127.0.0.1:" + node.grpcPort())
            .batchSizeBytes(256)
            .lingerMs(0)
            .build()) {
      List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
      for (int i = 0; i < RECORDS_EACH; i++) {
        String value = "p" + producerIndex + "-" + i;
        sends.add(producer.send(ProducerRecord.of(TOPIC, null, value.getBytes(StandardCharsets.UTF_8))));
      }
      producer.flush();
      for (int i = 0; i < RECORDS_EACH; i++) {
        offsets.put("p" + producerIndex + "-" + i, sends.get(i).join().offset());
      }
    }
    return offsets;
  }

  /** Deletes the LMDB directory of every partition replica under the node's Raft storage. */
  private static void deletePartitionLogs(Path dataDir) throws IOException {
    List<Path> logs;
    try (Stream<Path> groups = Files.list(dataDir.resolve("raft"))) {
      logs = groups.map(g -> g.resolve("log")).filter(Files::isDirectory).toList();
    }
    assertEquals(1, logs.size(), "one partition replica: " + logs);
    for (Path log : logs) {
      try (Stream<Path> files = Files.walk(log)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }
}
