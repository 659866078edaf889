package dev.runnel.loadtest;

import dev.runnel.sdk.GroupConsumer;
import dev.runnel.sdk.TopicPartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One group member of a {@link GroupPerf} run on its own thread (a GroupConsumer is used by one
 * thread only): it polls, publishes how many partitions it holds, and, while asked to, commits
 * the offsets of all its partitions in a loop, one request after the other.
 */
final class GroupMember implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(10);
  /** Commits between two polls while committing: polls apply assignment changes. */
  private static final int COMMITS_PER_POLL = 20;

  private final GroupConsumer consumer;
  private final Thread thread;
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong offsetsCommitted = new AtomicLong();
  private volatile boolean running = true;
  private volatile boolean committing;
  private volatile RuntimeException failure;

  GroupMember(GroupConsumer consumer, String topic, String name) {
    this.consumer = consumer;
    consumer.subscribe(java.util.List.of(topic));
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  int held() {
    return held.get();
  }

  long commits() {
    return commits.get();
  }

  long offsetsCommitted() {
    return offsetsCommitted.get();
  }

  RuntimeException failure() {
    return failure;
  }

  void committing(boolean on) {
    committing = on;
  }

  private void run() {
    long offset = 0;
    try {
      while (running) {
        consumer.poll(POLL);
        held.set(consumer.assignment().size());
        for (int i = 0; committing && i < COMMITS_PER_POLL && !consumer.assignment().isEmpty(); i++) {
          Map<TopicPartition, Long> offsets = new HashMap<>();
          offset++;
          for (TopicPartition tp : consumer.assignment()) {
            offsets.put(tp, offset);
          }
          consumer.commitSync(offsets);
          commits.incrementAndGet();
          offsetsCommitted.addAndGet(offsets.size());
        }
      }
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** Stops polling and leaves the group. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(30_000);
    consumer.close();
  }
}
