package dev.runnel.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.Acks;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RecordMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every acks mode delivers the same bytes; only when it answers differs. */
class AcksModesTest {
  @TempDir Path dataDir;

  @Test
  void eachAcksModeRoundTripsTheDataByteForByte() throws Exception {
    RunnelNode node = TestNodes.start(dataDir);
    String bootstrap = "127.0.0.1:" + node.grpcPort();
    try (Admin admin = Admin.create(bootstrap)) {
      Random random = new Random(42);
      for (Acks acks : List.of(Acks.ACKS_QUORUM, Acks.ACKS_ALL, Acks.ACKS_LEADER, Acks.ACKS_NONE)) {
        String topic = "acks-" + acks.getNumber();
        admin.createTopic(topic, 1, 1, Map.of());
        List<byte[]> values = new ArrayList<>();
        try (Producer producer = Producer.builder().bootstrap(bootstrap).acks(acks).build()) {
          for (int i = 0; i < 200; i++) {
            byte[] value = new byte[1 + random.nextInt(2048)];
            random.nextBytes(value);
            values.add(value);
            RecordMetadata md = producer.sendSync(ProducerRecord.of(topic, null, value));
            boolean offsetKnown = acks == Acks.ACKS_QUORUM || acks == Acks.ACKS_ALL;
            assertEquals(offsetKnown ? i : -1, md.offset(), acks + ": offset of send " + i);
          }
        }
        List<byte[]> read = readAll(bootstrap, topic, values.size());
        assertEquals(values.size(), read.size(), acks.toString());
        for (int i = 0; i < values.size(); i++) {
          assertArrayEquals(values.get(i), read.get(i), acks + ": record " + i);
        }
      }
      IllegalArgumentException noIdempotence =
          assertThrows(
              IllegalArgumentException.class,
              () -> Producer.builder().bootstrap(bootstrap).acks(Acks.ACKS_NONE).idempotence(true).build());
      assertTrue(noIdempotence.getMessage().contains("idempotence needs acks"), noIdempotence.getMessage());
    } finally {
      node.close();
    }
  }

  /** Reads the partition from the start until {@code expected} records arrived (acks may precede the commit). */
  private static List<byte[]> readAll(String bootstrap, String topic, int expected) {
    List<byte[]> read = new ArrayList<>();
    try (Consumer consumer =
        Consumer.builder().bootstrap(bootstrap).autoOffsetReset(Consumer.OffsetReset.EARLIEST).build()) {
      consumer.subscribe(topic);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
                  read.add(r.value());
                }
                return read.size() >= expected;
              });
    }
    return read;
  }
}
