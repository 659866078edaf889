package dev.runnel.sdk;

import dev.runnel.proto.Partitioning;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Chooses a record's partition: the explicit one if given, murmur2 of the key if keyed, else a
 * "sticky" partition per topic that moves on (round-robin) only when its batch is closed, so
 * unkeyed records fill whole batches instead of spreading one record per partition.
 */
final class Partitioner {
  private record Sticky(int partition, int partitionCount) {}

  private final RandomGenerator random;
  private final Map<String, Sticky> stickyByTopic = new HashMap<>();

  Partitioner(RandomGenerator random) {
    this.random = random;
  }

  synchronized int partition(ProducerRecord record, int partitionCount) {
    if (record.partition() != null) {
      return record.partition();
    }
    if (record.key() != null) {
      return Partitioning.partitionForKey(record.key(), partitionCount);
    }
    Sticky sticky = stickyByTopic.get(record.topic());
    if (sticky == null || sticky.partitionCount() != partitionCount) {
      // Start at a random partition so many producers do not all load partition 0 first.
      sticky = new Sticky(random.nextInt(partitionCount), partitionCount);
      stickyByTopic.put(record.topic(), sticky);
    }
    return sticky.partition();
  }

  /** A batch of {@code tp} was closed: unkeyed records of its topic move on to the next partition. */
  synchronized void onBatchClosed(TopicPartition tp) {
    Sticky sticky = stickyByTopic.get(tp.topic());
    if (sticky != null && sticky.partition() == tp.partition()) {
      int next = (tp.partition() + 1) % sticky.partitionCount();
      stickyByTopic.put(tp.topic(), new Sticky(next, sticky.partitionCount()));
    }
  }
}
