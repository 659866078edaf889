package dev.runnel.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.Partitioning;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.TopicDescription;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SDK's gRPC paths against {@link FakeRunnel}, an in-memory stand-in for one node. */
@Timeout(30)
class ClientInProcessTest {
  private static final String BOOTSTRAP = "fake:9400";
  private FakeRunnel node;

  @BeforeEach
  void start() throws Exception {
    node = new FakeRunnel();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private Producer.Builder producer() {
    return Producer.builder().bootstrap(BOOTSTRAP).channelFactory(node.channels()).retryBackoffMs(1);
  }

  private Consumer.Builder consumer() {
    return Consumer.builder()
        .bootstrap(BOOTSTRAP)
        .channelFactory(node.channels())
        .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
        .fetchMaxWaitMs(50);
  }

  private Admin admin() {
    return Admin.builder().bootstrap(BOOTSTRAP).channelFactory(node.channels()).build();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keyedRecordsAreReadBackPerPartitionInOrder() {
    try (Admin admin = admin()) {
      admin.createTopic("orders", 4, 1, Map.of());
    }
    Map<Integer, List<String>> sentByPartition = new HashMap<>();
    List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
    try (Producer producer = producer().lingerMs(2).batchSizeBytes(512).build()) {
      for (int i = 0; i < 400; i++) {
        byte[] key = utf8("customer-" + (i % 13));
        int partition = Partitioning.partitionForKey(key, 4);
        sentByPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add("v" + i);
        acks.add(producer.send(ProducerRecord.of("orders", key, utf8("v" + i))));
      }
      producer.flush();
      for (CompletableFuture<RecordMetadata> ack : acks) {
        assertTrue(ack.isDone(), "flush waits for every send");
      }
    }
    assertTrue(node.batches("orders", 0).size() < 100, "records were batched, not sent one by one");

    Map<Integer, List<String>> readByPartition = new HashMap<>();
    try (Consumer consumer = consumer().build()) {
      consumer.subscribe("orders");
      assertEquals(4, consumer.assignment().size());
      int read = 0;
      long deadlineMs = System.currentTimeMillis() + 10_000;
      while (read < 400 && System.currentTimeMillis() < deadlineMs) {
        List<ConsumerRecord> records = consumer.poll(Duration.ofMillis(200));
        assertTrue(records.size() <= 500);
        for (ConsumerRecord r : records) {
          List<String> values = readByPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>());
          assertEquals(values.size(), r.offset(), "dense offsets, in order");
          values.add(new String(r.value(), StandardCharsets.UTF_8));
          assertEquals(Partitioning.partitionForKey(r.key(), 4), r.partition());
        }
        read += records.size();
      }
      assertEquals(sentByPartition, readByPartition);
      assertTrue(consumer.poll(Duration.ofMillis(100)).isEmpty(), "nothing more to read");
    }
  }

  @Test
  void ackCarriesOffsetsAndTheBatchCarriesCountTimestampsAndCrc() {
    node.createTopic("t", 1);
    try (Producer producer = producer().build()) {
      RecordMetadata first = producer.sendSync(new ProducerRecord("t", 0, null, utf8("a"), List.of(), 1_000));
      RecordMetadata second = producer.sendSync(new ProducerRecord("t", 0, null, utf8("b"), List.of(), 0));
      assertEquals(0, first.offset());
      assertEquals(1_000, first.timestampMs());
      assertEquals(1, second.offset());
      assertTrue(second.timestampMs() > 1_000, "timestamp 0 means now");
    }
    RecordBatch stored = node.batches("t", 0).get(0);
    assertEquals(1, stored.getRecordCount());
    assertEquals(1_000, stored.getFirstTimestampMs());
    assertEquals(1_000, stored.getMaxTimestampMs());
  }

  @Test
  void transientUnavailableIsRetriedAndOrderIsKept() {
    node.createTopic("t", 1);
    node.failProduces(3, Status.UNAVAILABLE);
    try (Producer producer = producer().retries(5).lingerMs(0).build()) {
      List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        acks.add(producer.send(new ProducerRecord("t", 0, null, utf8("v" + i), List.of(), 0)));
      }
      for (int i = 0; i < 50; i++) {
        assertEquals(i, acks.get(i).join().offset());
      }
    }
    List<String> stored = new ArrayList<>();
    for (RecordBatch b : node.batches("t", 0)) {
      b.getRecords().getRecordsList().forEach(r -> stored.add(r.getValue().toStringUtf8()));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      expected.add("v" + i);
    }
    assertEquals(expected, stored);
  }

  @Test
  void persistentFailureFailsTheFutureAfterRetries() {
    node.createTopic("t", 1);
    node.failProduces(Integer.MAX_VALUE, Status.UNAVAILABLE);
    try (Producer producer = producer().retries(3).build()) {
      CompletableFuture<RecordMetadata> ack = producer.send(ProducerRecord.of("t", null, utf8("x")));
      CompletionException e = assertThrows(CompletionException.class, ack::join);
      RunnelException cause = (RunnelException) e.getCause();
      assertEquals(Status.Code.UNAVAILABLE, cause.code());
      assertTrue(cause.getMessage().contains("after 4 attempt(s)"), cause.getMessage());
      assertEquals(4, node.produceCalls(), "one try plus three retries");
    }
    assertTrue(node.batches("t", 0).isEmpty());
  }

  @Test
  void nonRetriableErrorIsNotRetried() {
    node.createTopic("t", 1);
    node.failProduces(Integer.MAX_VALUE, Status.INVALID_ARGUMENT);
    try (Producer producer = producer().retries(3).build()) {
      RunnelException e = assertThrows(RunnelException.class, () -> producer.sendSync(ProducerRecord.of("t", null, utf8("x"))));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
      assertEquals(1, node.produceCalls());
    }
  }

  @Test
  void sendToUnknownTopicOrPartitionFailsTheFuture() {
    node.createTopic("t", 2);
    try (Producer producer = producer().build()) {
      RunnelException unknownTopic =
          assertThrows(RunnelException.class, () -> producer.sendSync(ProducerRecord.of("nope", null, utf8("x"))));
      assertEquals(ErrorReason.UNKNOWN_TOPIC, unknownTopic.reason());
      RunnelException unknownPartition =
          assertThrows(
              RunnelException.class,
              () -> producer.sendSync(new ProducerRecord("t", 2, null, utf8("x"), List.of(), 0)));
      assertEquals(ErrorReason.UNKNOWN_PARTITION, unknownPartition.reason());
    }
  }

  @Test
  void committedOffsetsArePersistedAndUsedAsTheStart() {
    node.createTopic("t", 1);
    try (Producer producer = producer().build()) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord("t", 0, null, utf8("v" + i), List.of(), 0));
      }
    }
    TopicPartition tp = new TopicPartition("t", 0);
    try (Consumer consumer = consumer().groupId("g").build()) {
      consumer.assign(List.of(tp));
      assertEquals(Map.of(), consumer.committed(List.of(tp)));
      consumer.seek(tp, 4);
      assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L), offsets(consumer.poll(Duration.ofSeconds(5))));
      consumer.commitSync();
      assertEquals(Map.of(tp, 10L), consumer.committed(List.of(tp)));
      consumer.commitSync(Map.of(tp, 7L));
    }
    try (Consumer consumer = consumer().groupId("g").build()) {
      consumer.assign(List.of(tp));
      assertEquals(7, consumer.position(tp));
      assertEquals(List.of(7L, 8L, 9L), offsets(consumer.poll(Duration.ofSeconds(5))));
    }
    try (Consumer consumer = consumer().build()) {
      consumer.assign(List.of(tp));
      assertThrows(IllegalStateException.class, consumer::commitSync);
    }
  }

  @Test
  void maxPollRecordsBoundsEachPollAndSeekToEndSkipsTheBacklog() {
    node.createTopic("t", 1);
    try (Producer producer = producer().build()) {
      for (int i = 0; i < 30; i++) {
        producer.send(new ProducerRecord("t", 0, null, utf8("v" + i), List.of(), 0));
      }
    }
    TopicPartition tp = new TopicPartition("t", 0);
    try (Consumer consumer = consumer().maxPollRecords(7).build()) {
      consumer.assign(List.of(tp));
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), offsets(consumer.poll(Duration.ofSeconds(5))));
      assertEquals(7, consumer.position(tp));
      consumer.seekToEnd(List.of(tp));
      assertEquals(30, consumer.position(tp));
      assertTrue(consumer.poll(Duration.ofMillis(100)).isEmpty());
      consumer.seekToBeginning(List.of(tp));
      assertEquals(0, consumer.position(tp));
    }
  }

  @Test
  void positionBelowTheLogStartIsResetPerAutoOffsetReset() {
    node.createTopic("t", 1);
    try (Producer producer = producer().lingerMs(0).build()) {
      for (int i = 0; i < 6; i++) {
        producer.sendSync(new ProducerRecord("t", 0, null, utf8("v" + i), List.of(), 0));
      }
    }
    int firstKeptBatch = 3;
    long logStart = node.batches("t", 0).get(firstKeptBatch).getBaseOffset();
    node.truncateBefore("t", 0, firstKeptBatch);
    TopicPartition tp = new TopicPartition("t", 0);
    try (Consumer consumer = consumer().build()) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, 0);
      List<ConsumerRecord> records = consumer.poll(Duration.ofSeconds(5));
      assertEquals(logStart, records.get(0).offset());
      assertEquals(6, consumer.position(tp));
    }
  }

  @Test
  void latestResetReadsOnlyNewRecords() {
    node.createTopic("t", 1);
    try (Producer producer = producer().build();
        Consumer consumer = consumer().autoOffsetReset(Consumer.OffsetReset.LATEST).build()) {
      producer.sendSync(ProducerRecord.of("t", null, utf8("old")));
      consumer.subscribe("t");
      assertTrue(consumer.poll(Duration.ofMillis(100)).isEmpty());
      producer.sendSync(ProducerRecord.of("t", null, utf8("new")));
      List<ConsumerRecord> records = consumer.poll(Duration.ofSeconds(5));
      assertEquals(1, records.size());
      assertArrayEquals(utf8("new"), records.get(0).value());
    }
  }

  @Test
  void adminManagesTopicsAndListsOffsets() {
    try (Admin admin = admin()) {
      TopicDescription created = admin.createTopic("a", 3, 1, null);
      assertEquals(3, created.getPartitionsCount());
      RunnelException exists = assertThrows(RunnelException.class, () -> admin.createTopic("a", 3, 1, Map.of()));
      assertEquals(ErrorReason.TOPIC_ALREADY_EXISTS, exists.reason());
      assertEquals(Status.Code.ALREADY_EXISTS, exists.code());
      assertEquals(List.of("a"), admin.listTopics().stream().map(t -> t.getName()).toList());
      assertEquals(3, admin.metadata(List.of("a")).getTopics(0).getPartitionsCount());

      try (Producer producer = producer().build()) {
        producer.sendSync(new ProducerRecord("a", 1, null, utf8("x"), List.of(), 5_000));
        producer.sendSync(new ProducerRecord("a", 1, null, utf8("y"), List.of(), 9_000));
      }
      assertEquals(Map.of(0, 0L, 1, 2L, 2, 0L), admin.listOffsets("a", OffsetSpec.OFFSET_SPEC_LATEST));
      assertEquals(Map.of(0, 0L, 1, 0L, 2, 0L), admin.listOffsets("a", OffsetSpec.OFFSET_SPEC_EARLIEST));
      assertEquals(1L, admin.listOffsetsForTimestamp("a", 8_000).get(1));
      assertEquals(2, admin.describeTopic("a").getPartitions(1).getHighWatermark());

      admin.deleteTopic("a");
      RunnelException gone = assertThrows(RunnelException.class, () -> admin.describeTopic("a"));
      assertEquals(ErrorReason.UNKNOWN_TOPIC, gone.reason());
    }
  }

  private static List<Long> offsets(List<ConsumerRecord> records) {
    return records.stream().map(ConsumerRecord::offset).toList();
  }
}
