package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.Partitioning;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordMetadata;
import dev.runnel.sdk.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java SDK against a real node on loopback. */
class SdkEndToEndTest {
  private static final int RECORDS = 10_000;
  private static final int PARTITIONS = 6;
  private static final int KEYS = 200;

  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static String bootstrap;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(dataDir);
    bootstrap = "127.0.0.1:" + node.grpcPort();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void tenThousandKeyedRecordsComeBackInOrderPerPartition() {
    try (Admin admin = Admin.create(bootstrap)) {
      admin.createTopic("keyed", PARTITIONS, 1, Map.of());
    }
    List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
    try (Producer producer = Producer.builder().bootstrap(bootstrap).lingerMs(5).build()) {
      for (int i = 0; i < RECORDS; i++) {
        acks.add(producer.send(ProducerRecord.of("keyed", key(i % KEYS), value(i))));
      }
      producer.flush();
    }
    Map<String, Integer> partitionOfKey = new HashMap<>();
    for (int i = 0; i < RECORDS; i++) {
      RecordMetadata md = acks.get(i).join();
      byte[] key = key(i % KEYS);
      assertEquals(Partitioning.partitionForKey(key, PARTITIONS), md.partition(), "key → partition");
      Integer previous = partitionOfKey.put(new String(key, StandardCharsets.UTF_8), md.partition());
      assertTrue(previous == null || previous == md.partition(), "same key, same partition");
    }

    Map<Integer, List<ConsumerRecord>> byPartition = new HashMap<>();
    try (Consumer consumer =
        Consumer.builder()
            .bootstrap(bootstrap)
            .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
            .maxPollRecords(1000)
            .build()) {
      consumer.subscribe("keyed");
      int total = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (total < RECORDS && System.nanoTime() < deadline) {
        for (ConsumerRecord r : consumer.poll(Duration.ofMillis(500))) {
          byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
          total++;
        }
      }
      assertEquals(RECORDS, total);
    }
    assertEquals(PARTITIONS, byPartition.size(), "200 keys spread over all 6 partitions");
    for (var entry : byPartition.entrySet()) {
      List<ConsumerRecord> records = entry.getValue();
      int lastSeq = -1;
      for (int i = 0; i < records.size(); i++) {
        ConsumerRecord r = records.get(i);
        assertEquals(i, r.offset(), "dense offsets from 0");
        int seq = Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8));
        assertTrue(seq > lastSeq, "records of a partition come back in the order sent");
        lastSeq = seq;
        assertEquals(Partitioning.partitionForKey(r.key(), PARTITIONS), r.partition());
      }
    }
  }

  @Test
  void consumerStartsAtTheEndAndSeesNewRecords() throws Exception {
    try (Admin admin = Admin.create(bootstrap)) {
      admin.createTopic("fresh", 2, 1, Map.of());
    }
    try (Producer producer = Producer.builder().bootstrap(bootstrap).build();
        Consumer consumer = Consumer.builder().bootstrap(bootstrap).build()) {
      producer.sendSync(ProducerRecord.of("fresh", null, value(-1)));
      consumer.subscribe("fresh");
      consumer.poll(Duration.ofMillis(100)); // positions resolve to the end now
      List<ConsumerRecord> seen = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 10; i++) {
        producer.send(ProducerRecord.of("fresh", null, value(i)));
      }
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                seen.addAll(consumer.poll(Duration.ofMillis(200)));
                return seen.size() >= 10;
              });
      assertEquals(10, seen.size(), "the record written before subscribing is not read");
    }
  }

  @Test
  void groupCommitsSurviveAConsumerRestart() {
    try (Admin admin = Admin.create(bootstrap)) {
      admin.createTopic("committed", 1, 1, Map.of());
    }
    try (Producer producer = Producer.builder().bootstrap(bootstrap).build()) {
      for (int i = 0; i < 20; i++) {
        producer.send(ProducerRecord.of("committed", null, value(i)));
      }
      producer.flush();
    }
    TopicPartition tp = new TopicPartition("committed", 0);
    try (Consumer first = groupConsumer()) {
      first.assign(List.of(tp));
      first.seek(tp, 0);
      List<ConsumerRecord> got = new ArrayList<>();
      while (got.size() < 5) {
        got.addAll(first.poll(Duration.ofMillis(500)));
      }
      first.commitSync(Map.of(tp, 5L));
    }
    try (Consumer second = groupConsumer()) {
      second.subscribe("committed");
      List<ConsumerRecord> rest = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (rest.size() < 15 && System.nanoTime() < deadline) {
        rest.addAll(second.poll(Duration.ofMillis(500)));
      }
      assertEquals(15, rest.size());
      assertEquals(5, rest.get(0).offset(), "resumes at the committed offset");
      assertEquals(Map.of(tp, 5L), second.committed(List.of(tp)));
    }
  }

  private static Consumer groupConsumer() {
    return Consumer.builder()
        .bootstrap(bootstrap)
        .groupId("g")
        .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
        .build();
  }

  private static byte[] key(int k) {
    return ("key-" + k).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    return Integer.toString(i).getBytes(StandardCharsets.UTF_8);
  }
}
