package dev.runnel.connect.distributed;

import dev.runnel.proto.v1.OffsetSpec;
import dev.runnel.sdk.Admin;
import dev.runnel.sdk.ConsumerRecord;
import dev.runnel.sdk.TopicPartition;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of an internal topic from the beginning and keeps following it on its
 * own thread, handing each record to {@code onRecord} (on that thread). {@link #awaitCaughtUp}
 * waits until everything written before the call has been handed over: read-your-writes for the
 * REST API, and "all of the dead worker's offsets" before a task is taken over.
 */
final class TopicTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final String topic;
  private final Admin admin;
  private final dev.runnel.sdk.Consumer consumer;
  private final java.util.function.Consumer<ConsumerRecord> onRecord;
  private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile RuntimeException failure;

  TopicTail(String bootstrap, Admin admin, String topic, java.util.function.Consumer<ConsumerRecord> onRecord) {
    this.topic = topic;
    this.admin = admin;
    this.onRecord = onRecord;
    this.consumer = dev.runnel.sdk.Consumer.builder()
        .bootstrap(bootstrap)
        .autoOffsetReset(dev.runnel.sdk.Consumer.OffsetReset.EARLIEST)
        .fetchMaxWaitMs(100)
        .build();
    consumer.subscribe(topic);
    consumer.seekToBeginning(consumer.assignment());
    this.thread = new Thread(this::run, "connect-tail-" + topic);
    thread.setDaemon(true);
  }

  TopicTail start() {
    thread.start();
    return this;
  }

  private void run() {
    while (!closed) {
      try {
        for (ConsumerRecord record : consumer.poll(POLL)) {
          onRecord.accept(record);
        }
        for (TopicPartition tp : consumer.assignment()) {
          positions.put(tp.partition(), consumer.position(tp));
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("reading {} failed, retrying: {}", topic, e.getMessage());
        failure = e;
        try {
          Thread.sleep(500);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  /** Waits until the records written to {@code partitions} (null: all) before this call were read. */
  void awaitCaughtUp(java.util.Collection<Integer> partitions, long timeoutMs) throws TimeoutException {
    Map<Integer, Long> ends = admin.listOffsets(topic, OffsetSpec.OFFSET_SPEC_LATEST);
    long deadline = System.currentTimeMillis() + timeoutMs;
    for (Map.Entry<Integer, Long> end : ends.entrySet()) {
      if (partitions != null && !partitions.contains(end.getKey())) {
        continue;
      }
      while (positions.getOrDefault(end.getKey(), -1L) < end.getValue()) {
        if (System.currentTimeMillis() > deadline) {
          throw new TimeoutException("reading " + topic + "-" + end.getKey() + " did not reach offset "
              + end.getValue() + " within " + timeoutMs + " ms" + (failure == null ? "" : ": " + failure.getMessage()));
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TimeoutException("interrupted");
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close();
  }
}
