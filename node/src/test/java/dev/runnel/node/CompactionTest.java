package dev.runnel.node;

import static dev.runnel.node.BadInputTest.fails;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runnel.proto.v1.AdminGrpc;
import dev.runnel.proto.v1.BrokerGrpc;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.CreateTopicRequest;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.ProduceRequest;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordBatch;
import dev.runnel.proto.v1.RecordSet;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sdk.TopicPartition;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compacted topics on a real node: what a consumer reads back, and what is refused. */
class CompactionTest {
  private static final int KEYS = 20;
  private static final int ROUNDS = 5;

  @TempDir static Path dataDir;
  private static RunnelNode node;
  private static String bootstrap;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> config = TestNodes.config(dataDir);
    config.put("log.cleaner.interval.ms", "200");
    node = TestNodes.start(config);
    bootstrap = "127.0.0.1:" + node.grpcPort();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes ROUNDS updates of KEYS keys (each round its own batches), deletes key k0..k4 with
   * tombstones, then one more record so the interesting batches are not the head. Returns the
   * offset of each key's last write, and its value ("null" for a tombstone).
   */
  private static Map<String, Long> writeUpdatesAndTombstones(String topic, Map<String, String> lastValue) {
    Map<String, Long> lastOffset = new TreeMap<>();
    try (Producer producer = Producer.builder().bootstrap(bootstrap).compression(Codec.CODEC_LZ4).build()) {
      for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < KEYS; k++) {
          String key = "k" + k;
          String value = key + "-v" + round;
          lastOffset.put(key, producer.send(ProducerRecord.of(topic, utf8(key), utf8(value))).join().offset());
          lastValue.put(key, value);
        }
        producer.flush();
      }
      for (int k = 0; k < 5; k++) {
        String key = "k" + k;
        lastOffset.put(key, producer.sendSync(ProducerRecord.of(topic, utf8(key), null)).offset());
        lastValue.put(key, "null");
      }
      lastOffset.put("head", producer.sendSync(ProducerRecord.of(topic, utf8("head"), utf8("h"))).offset());
      lastValue.put("head", "h");
    }
    return lastOffset;
  }

  /** Everything a consumer reads from offset 0 until it reaches {@code endOffset}: offset → "key=value". */
  private static Map<Long, String> readFromZero(String topic, long endOffset) {
    Map<Long, String> read = new TreeMap<>();
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Consumer consumer = Consumer.builder().bootstrap(bootstrap).build()) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, 0);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (consumer.position(tp) < endOffset && System.nanoTime() < deadline) {
        for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
          String value = r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8);
          read.put(r.offset(), new String(r.key(), StandardCharsets.UTF_8) + "=" + value);
        }
      }
      assertEquals(endOffset, consumer.position(tp), "the consumer reaches the end of the log");
    }
    return read;
  }

  private static Map<Long, String> expected(
      Map<String, Long> lastOffset, Map<String, String> lastValue, boolean withTombstones) {
    Map<Long, String> expected = new TreeMap<>();
    lastOffset.forEach(
        (key, offset) -> {
          if (withTombstones || !lastValue.get(key).equals("null")) {
            expected.put(offset, key + "=" + lastValue.get(key));
          }
        });
    return expected;
  }

  @Test
  void consumersReadTheLatestValuePerKeyAtItsOriginalOffsetAndTombstonesGoAfterTheirRetention() {
    try (Admin admin = Admin.create(bootstrap)) {
      admin.createTopic("latest", 1, 1, Map.of("cleanup.policy", "compact", "delete.retention.ms", "0"));
      admin.createTopic("kept-tombstones", 1, 1, Map.of("cleanup.policy", "compact,delete"));
    }
    Map<String, String> values = new TreeMap<>();
    Map<String, Long> offsets = writeUpdatesAndTombstones("latest", values);
    Map<String, String> values2 = new TreeMap<>();
    Map<String, Long> offsets2 = writeUpdatesAndTombstones("kept-tombstones", values2);
    long end = offsets.get("head") + 1;
    assertEquals(ROUNDS * KEYS + 5 + 1, end);

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> assertEquals(expected(offsets, values, false), readFromZero("latest", end)));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () ->
                assertEquals(
                    expected(offsets2, values2, true), readFromZero("kept-tombstones", end),
                    "delete.retention.ms (1 day by default) keeps the tombstones"));
    assertTrue(node.metrics().cleanerBytesRemoved.getCount() > 0);
    assertTrue(node.metrics().cleanerBatchesRemoved.getCount() > 0);
    try (Admin admin = Admin.create(bootstrap)) {
      long size = admin.describeTopic("latest").getPartitions(0).getSizeBytes();
      long size2 = admin.describeTopic("kept-tombstones").getPartitions(0).getSizeBytes();
      assertTrue(size < size2, "compaction freed space: " + size + " vs " + size2);
    }
  }

  @Test
  void compactedTopicsRefuseUnkeyedRecordsAndBadPoliciesAreRefused() {
    ManagedChannel channel = TestNodes.channel(node);
    try {
      AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(channel);
      BrokerGrpc.BrokerBlockingStub broker = BrokerGrpc.newBlockingStub(channel);
      StatusRuntimeException badPolicy =
          fails(
              () ->
                  admin.createTopic(
                      CreateTopicRequest.newBuilder()
                          .setName("bad")
                          .setPartitions(1)
                          .putConfigs("cleanup.policy", "compact,forever")
                          .build()),
              Status.Code.INVALID_ARGUMENT,
              "INVALID_CONFIG");
      assertTrue(
          badPolicy.getStatus().getDescription().contains("cleanup.policy must be delete, compact or compact,delete"),
          badPolicy.getStatus().getDescription());
      fails(
          () ->
              admin.createTopic(
                  CreateTopicRequest.newBuilder()
                      .setName("bad")
                      .setPartitions(1)
                      .putConfigs("delete.retention.ms", "-1")
                      .build()),
          Status.Code.INVALID_ARGUMENT,
          "INVALID_CONFIG");
      admin.createTopic(
          CreateTopicRequest.newBuilder()
              .setName("keyed-only")
              .setPartitions(1)
              .putConfigs("cleanup.policy", "Delete, COMPACT")
              .build());

      RecordSet mixed =
          RecordSet.newBuilder()
              .addRecords(Record.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")))
              .addRecords(Record.newBuilder().setValue(ByteString.copyFromUtf8("no key")))
              .build();
      StatusRuntimeException unkeyed =
          fails(
              () -> broker.produce(produce("keyed-only", mixed)),
              Status.Code.INVALID_ARGUMENT,
              "INVALID_REQUEST");
      assertTrue(
          unkeyed.getStatus().getDescription().contains(
              "topic 'keyed-only' is compacted (cleanup.policy has compact): every record needs a key, but record 1"),
          unkeyed.getStatus().getDescription());

      RecordSet withDeltas =
          RecordSet.newBuilder()
              .addRecords(Record.newBuilder().setKey(ByteString.copyFromUtf8("k")))
              .addOffsetDeltas(0)
              .build();
      StatusRuntimeException deltas =
          fails(
              () -> broker.produce(produce("keyed-only", withDeltas)),
              Status.Code.INVALID_ARGUMENT,
              "INVALID_REQUEST");
      assertTrue(deltas.getStatus().getDescription().contains("offset_deltas"), deltas.getStatus().getDescription());

      try (Producer producer = Producer.builder().bootstrap(bootstrap).compression(Codec.CODEC_ZSTD).build()) {
        RunnelException e =
            assertThrows(
                RunnelException.class,
                () -> producer.sendSync(ProducerRecord.of("keyed-only", null, utf8("x"))));
        assertEquals(ErrorReason.INVALID_REQUEST, e.reason());
        assertEquals(0, producer.sendSync(ProducerRecord.of("keyed-only", utf8("k"), utf8("x"))).offset());
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private static ProduceRequest produce(String topic, RecordSet records) {
    return ProduceRequest.newBuilder()
        .setTopic(topic)
        .setPartition(0)
        .setBatch(RecordBatch.newBuilder().setRecordCount(records.getRecordsCount()).setRecords(records))
        .build();
  }
}
