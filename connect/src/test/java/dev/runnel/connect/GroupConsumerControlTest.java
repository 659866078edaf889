package dev.runnel.connect;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.loadtest.WithLocalNode;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.PartitionLag;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.Consumer;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import dev.runnel.sdk.RunnelException;
import dev.runnel.sdk.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The SDK GroupConsumer's seek, pause/resume and commitAsync against a real node. It lives here
 * because connect's tests already start a node (the sdk module cannot depend on node/).
 */
class GroupConsumerControlTest extends WithLocalNode {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void seekingBackDeliversTheRecordsAgain() {
    String topic = "ctl-seek";
    createAndFill(topic, 1, 10);
    TopicPartition tp = new TopicPartition(topic, 0);
    try (GroupConsumer consumer = consumer("ctl-seek")) {
      consumer.subscribe(List.of(topic));
      assertEquals(offsets(0, 10), offsetsOf(pollUntilCount(consumer, 10), tp));
      consumer.seek(tp, 3);
      assertEquals(3L, consumer.position(tp));
      assertEquals(offsets(3, 10), offsetsOf(pollUntilCount(consumer, 7), tp));
      consumer.seekToBeginning(List.of(tp));
      assertEquals(offsets(0, 10), offsetsOf(pollUntilCount(consumer, 10), tp));
      consumer.seekToEnd(List.of(tp));
      assertEquals(10L, consumer.position(tp));
      TopicPartition other = new TopicPartition(topic, 7);
      assertThrows(IllegalStateException.class, () -> consumer.seek(other, 0));
      assertThrows(IllegalStateException.class, () -> consumer.pause(List.of(other)));
    }
  }

  @Test
  void aPausedPartitionDeliversNothingWhileTheOthersGoOnAndResumesWhereItWas() {
    String topic = "ctl-pause";
    createAndFill(topic, 2, 5);
    TopicPartition p0 = new TopicPartition(topic, 0);
    TopicPartition p1 = new TopicPartition(topic, 1);
    try (GroupConsumer consumer = consumer("ctl-pause");
        Producer producer = Producer.builder().bootstrap(node.bootstrap()).build()) {
      consumer.subscribe(List.of(topic));
      pollUntilCount(consumer, 10);
      consumer.pause(List.of(p0));
      assertEquals(Set.of(p0), consumer.paused());
      assertEquals(Set.of(p0, p1), consumer.assignment());
      assertEquals(5L, consumer.position(p0));
      produce(producer, topic, 2, 5);

      List<ConsumerRecord> whilePaused = new ArrayList<>();
      await().atMost(WAIT).until(() -> {
        whilePaused.addAll(consumer.poll(Duration.ofMillis(100)));
        return offsetsOf(whilePaused, p1).size() == 5;
      });
      // A few more polls: the paused partition's five new records must still not come.
      for (int i = 0; i < 5; i++) {
        whilePaused.addAll(consumer.poll(Duration.ofMillis(100)));
      }
      assertEquals(List.of(), offsetsOf(whilePaused, p0));
      assertEquals(offsets(5, 10), offsetsOf(whilePaused, p1));
      assertEquals(5L, consumer.position(p0));

      consumer.resume(List.of(p0));
      assertEquals(Set.of(), consumer.paused());
      assertEquals(offsets(5, 10), offsetsOf(pollUntilCount(consumer, 5), p0));
    }
  }

  @Test
  void commitAsyncLandsInOrderAndItsCallbackSeesAFencedCommit() {
    String topic = "ctl-commit";
    createAndFill(topic, 2, 10);
    String group = "ctl-commit";
    try (GroupConsumer a = consumer(group); GroupConsumer b = consumer(group)) {
      a.subscribe(List.of(topic));
      pollUntil(() -> a.assignment().size() == 2, a);
      TopicPartition tp = new TopicPartition(topic, 0);
      List<Long> landed = new CopyOnWriteArrayList<>();
      for (long offset = 1; offset <= 10; offset++) {
        a.commitAsync(Map.of(tp, offset), (offsets, error) -> {
          assertNull(error);
          landed.add(offsets.get(tp));
        });
      }
      pollUntil(() -> landed.size() == 10, a);
      assertEquals(offsets(1, 11), landed);
      assertEquals(10L, committed(group, tp));

      b.subscribe(List.of(topic));
      pollUntil(() -> a.assignment().size() == 1 && b.assignment().size() == 1, a, b);
      TopicPartition moved = b.assignment().iterator().next();
      List<RunnelException> errors = new CopyOnWriteArrayList<>();
      a.commitAsync(Map.of(moved, 2L), (offsets, error) -> errors.add(error));
      pollUntil(() -> !errors.isEmpty(), a, b);
      assertEquals(ErrorReason.FENCED_MEMBER, errors.get(0).reason());
    }
  }

  private static GroupConsumer consumer(String group) {
    return GroupConsumer.builder()
        .bootstrap(node.bootstrap())
        .groupId(group)
        .autoCommit(false)
        .autoOffsetReset(Consumer.OffsetReset.EARLIEST)
        .maxPollRecords(3)
        .build();
  }

  private static void createAndFill(String topic, int partitions, int perPartition) {
    try (Admin admin = Admin.create(node.bootstrap())) {
      admin.createTopic(topic, partitions, 1, Map.of());
    }
    try (Producer producer = Producer.builder().bootstrap(node.bootstrap()).build()) {
      produce(producer, topic, partitions, perPartition);
    }
  }

  private static void produce(Producer producer, String topic, int partitions, int perPartition) {
    for (int p = 0; p < partitions; p++) {
      for (int i = 0; i < perPartition; i++) {
        producer.send(new ProducerRecord(topic, p, null, new byte[] {(byte) i}, List.of(), 0));
      }
    }
    producer.flush();
  }

  private static long committed(String group, TopicPartition tp) {
    try (Admin admin = Admin.create(node.bootstrap())) {
      return admin.describeGroup(group).getPartitionsList().stream()
          .filter(p -> p.getTopic().equals(tp.topic()) && p.getPartition() == tp.partition())
          .mapToLong(PartitionLag::getCommittedOffset)
          .findFirst()
          .orElse(-1);
    }
  }

  private static List<ConsumerRecord> pollUntilCount(GroupConsumer consumer, int count) {
    List<ConsumerRecord> out = new ArrayList<>();
    await().atMost(WAIT).until(() -> {
      out.addAll(consumer.poll(Duration.ofMillis(100)));
      return out.size() >= count;
    });
    assertEquals(count, out.size(), "more records than expected: " + out);
    return out;
  }

  private static void pollUntil(BooleanSupplier done, GroupConsumer... consumers) {
    await().atMost(WAIT).until(() -> {
      for (GroupConsumer c : consumers) {
        c.poll(Duration.ofMillis(50));
      }
      return done.getAsBoolean();
    });
  }

  private static List<Long> offsetsOf(List<ConsumerRecord> records, TopicPartition tp) {
    return records.stream()
        .filter(r -> r.topic().equals(tp.topic()) && r.partition() == tp.partition())
        .map(ConsumerRecord::offset)
        .toList();
  }

  private static List<Long> offsets(long from, long toExclusive) {
    List<Long> out = new ArrayList<>();
    for (long o = from; o < toExclusive; o++) {
      out.add(o);
    }
    return out;
  }
}
