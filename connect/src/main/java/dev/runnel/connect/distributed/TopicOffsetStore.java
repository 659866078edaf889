package dev.runnel.connect.distributed;

import dev.runnel.connect.storage.OffsetCodec;
import dev.runnel.connect.storage.OffsetStore;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.Producer;
import dev.runnel.sdk.ProducerRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Distributed mode's source offsets: records in the compacted offsets topic (Kafka Connect's key
 * and value encoding), written to the partition of the task that wrote them. Every worker reads
 * the whole topic, so any worker can answer GET /offsets and a task that moves finds its offsets.
 */
final class TopicOffsetStore implements OffsetStore {
  private final String topic;
  private final int partitions;
  private final Producer producer;
  private final OffsetCodec codec = new OffsetCodec();
  private final Map<String, Map<Map<String, Object>, Map<String, Object>>> offsets = new HashMap<>();
  private TopicTail tail;

  TopicOffsetStore(String topic, int partitions, Producer producer) {
    this.topic = topic;
    this.partitions = partitions;
    this.producer = producer;
  }

  void attach(TopicTail tail) {
    this.tail = tail;
  }

  /** Called by the tail for each record of the topic. */
  synchronized void onRecord(ConsumerRecord record) {
    OffsetCodec.Entry entry;
    try {
      entry = codec.decode(record.key(), record.value());
    } catch (RuntimeException e) {
      return; // not ours (a stray record): offsets are only ever written by workers
    }
    Map<Map<String, Object>, Map<String, Object>> own = offsets.computeIfAbsent(entry.connector(), c -> new HashMap<>());
    if (entry.offset() == null) {
      own.remove(entry.partition());
    } else {
      own.put(entry.partition(), entry.offset());
    }
  }

  @Override
  public synchronized Map<Map<String, Object>, Map<String, Object>> offsets(String connector) {
    return Map.copyOf(offsets.getOrDefault(connector, Map.of()));
  }

  @Override
  public void put(String connector, int taskId, Map<Map<String, ?>, Map<String, ?>> update) {
    int partition = TaskPlacement.partition(connector, taskId, partitions);
    List<CompletableFuture<?>> sends = new ArrayList<>();
    update.forEach((sourcePartition, offset) -> sends.add(producer.send(new ProducerRecord(
        topic, partition, codec.key(connector, sourcePartition), codec.value(offset), List.of(), 0L))));
    producer.flush();
    for (CompletableFuture<?> send : sends) {
      try {
        send.join();
      } catch (RuntimeException e) {
        throw new ConnectException("could not store source offsets of " + connector + ": " + e.getMessage(), e);
      }
    }
    // The local view is updated by the tail only, in topic order, so it never goes backwards.
  }

  /** Waits until everything already written to these partitions was read (before a takeover). */
  void awaitCaughtUp(Collection<Integer> partitionIds, long timeoutMs) throws TimeoutException {
    tail.awaitCaughtUp(partitionIds, timeoutMs);
  }
}
