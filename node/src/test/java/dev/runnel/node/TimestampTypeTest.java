package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordHeader;
import dev.runnel.sdk.RunnelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CreateTime keeps the producer's timestamps; LogAppendTime replaces them with the node's clock. */
class TimestampTypeTest {
  private static final long LONG_AGO_MS = 1_000_000_000_000L; // 2001

  @TempDir Path dataDir;

  @Test
  void theTopicDecidesWhoseClockStampsTheRecords() throws Exception {
    RunnelNode node = TestNodes.start(dataDir);
    String bootstrap = "127.0.0.1:" + node.grpcPort();
    try (Admin admin = Admin.create(bootstrap);
        Producer producer = Producer.builder().bootstrap(bootstrap).build()) {
      admin.createTopic("created", 1, 1, Map.of());
      admin.createTopic("appended", 1, 1, Map.of("message.timestamp.type", "logappendtime"));
      assertEquals("LogAppendTime", admin.describeTopic("appended").getConfigsOrThrow("message.timestamp.type"));
      RunnelException bad =
          assertThrows(
              RunnelException.class,
              () -> admin.createTopic("bad", 1, 1, Map.of("message.timestamp.type", "WallClock")));
      assertEquals(ErrorReason.INVALID_CONFIG, bad.reason());

      long beforeMs = System.currentTimeMillis();
      for (String topic : List.of("created", "appended")) {
        producer.sendSync(
            new ProducerRecord(
                topic, 0, null, "v".getBytes(StandardCharsets.UTF_8),
                List.of(
                    new RecordHeader("h", "x".getBytes(StandardCharsets.UTF_8)),
                    new RecordHeader("null", null),
                    new RecordHeader("empty", new byte[0])),
                LONG_AGO_MS));
      }
      ConsumerRecord created = readOne(bootstrap, "created");
      ConsumerRecord appended = readOne(bootstrap, "appended");
      assertEquals(LONG_AGO_MS, created.timestampMs(), "CreateTime: the producer's timestamp");
      assertTrue(appended.timestampMs() >= beforeMs, "LogAppendTime: the node's clock, not 2001");
      assertEquals("x", new String(appended.headers().get(0).value(), StandardCharsets.UTF_8), "headers kept");
      assertEquals(null, appended.headers().get(1).value(), "a null header value stays null");
      assertEquals(0, appended.headers().get(2).value().length, "an empty one stays empty");
      // The time index follows the same clock: nothing on "appended" is older than the send.
      assertEquals(-1L, admin.listOffsetsForTimestamp("appended", beforeMs + 60_000).get(0));
      assertEquals(0L, admin.listOffsetsForTimestamp("appended", LONG_AGO_MS).get(0));
      assertEquals(0L, admin.listOffsetsForTimestamp("created", LONG_AGO_MS).get(0));
    } finally {
      node.close();
    }
  }

  private static ConsumerRecord readOne(String bootstrap, String topic) {
    try (Consumer consumer =
        Consumer.builder().bootstrap(bootstrap).autoOffsetReset(Consumer.OffsetReset.EARLIEST).build()) {
      consumer.subscribe(topic);
      List<ConsumerRecord> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (records.isEmpty() && System.nanoTime() < deadline) {
        records.addAll(consumer.poll(Duration.ofMillis(200)));
      }
      assertEquals(1, records.size(), topic);
      return records.get(0);
    }
  }
}
