package dev.runnel.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.proto.Partitioning;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PartitionerTest {
  private final Partitioner partitioner = new Partitioner(new Random(42));

  @Test
  void explicitPartitionWins() {
    ProducerRecord r = new ProducerRecord("t", 3, "k".getBytes(StandardCharsets.UTF_8), null, List.of(), 0);
    assertEquals(3, partitioner.partition(r, 8));
  }

  @Test
  void keyedRecordsUseMurmur2SoAKeyAlwaysLandsInTheSamePartition() {
    for (int i = 0; i < 100; i++) {
      byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
      int p = partitioner.partition(ProducerRecord.of("t", key, null), 7);
      assertEquals(Partitioning.partitionForKey(key, 7), p);
      assertEquals(p, partitioner.partition(ProducerRecord.of("t", key, new byte[1]), 7));
    }
  }

  @Test
  void unkeyedRecordsStickToOnePartitionUntilItsBatchCloses() {
    ProducerRecord r = ProducerRecord.of("t", null, new byte[1]);
    int first = partitioner.partition(r, 4);
    for (int i = 0; i < 10; i++) {
      assertEquals(first, partitioner.partition(r, 4));
    }
    partitioner.onBatchClosed(new TopicPartition("t", (first + 2) % 4));
    assertEquals(first, partitioner.partition(r, 4), "another partition's batch does not move it");

    for (int step = 1; step <= 4; step++) {
      partitioner.onBatchClosed(new TopicPartition("t", partitioner.partition(r, 4)));
      assertEquals((first + step) % 4, partitioner.partition(r, 4), "round-robin on each closed batch");
    }
  }

  @Test
  void stickinessIsPerTopic() {
    ProducerRecord a = ProducerRecord.of("a", null, new byte[1]);
    ProducerRecord b = ProducerRecord.of("b", null, new byte[1]);
    int pa = partitioner.partition(a, 1000);
    int pb = partitioner.partition(b, 1000);
    partitioner.onBatchClosed(new TopicPartition("a", pa));
    assertEquals((pa + 1) % 1000, partitioner.partition(a, 1000));
    assertEquals(pb, partitioner.partition(b, 1000));
  }
}
