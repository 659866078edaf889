package dev.runnel.loadtest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The consumers of one run: {@code consumers} threads, consumer i reading the partitions p with
 * p % consumers == i (no group, so no rebalance pauses distort the numbers). Each reads until it
 * is stopped or the fleet has read {@code target} records.
 */
final class ConsumerFleet {
  private static final Duration POLL_MAX = Duration.ofMillis(200);

  private final BenchDriver driver;
  private final Workload workload;
  private final String topic;
  private final boolean e2e;
  private long windowStartNs; // set in start(), before the threads that read it exist
  private final LatencyStats latency = new LatencyStats();
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong readInWindow = new AtomicLong();
  private final AtomicLong bytesInWindow = new AtomicLong();
  private final AtomicLong lastReadNs = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicReference<Throwable> error = new AtomicReference<>();
  private final List<BenchDriver.Consumer> clients = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile long target = Long.MAX_VALUE;

  /** @param e2e values carry their send time: record send → receive latency */
  ConsumerFleet(BenchDriver driver, Workload workload, String topic, boolean e2e) {
    this.driver = driver;
    this.workload = workload;
    this.topic = topic;
    this.e2e = e2e;
  }

  /** Creates the consumers, positioned (at the beginning or the end) before this returns. */
  void open(boolean fromBeginning) {
    int consumers = Math.min(workload.consumers(), workload.partitions());
    for (int i = 0; i < consumers; i++) {
      List<Integer> partitions = new ArrayList<>();
      for (int p = i; p < workload.partitions(); p += consumers) {
        partitions.add(p);
      }
      clients.add(driver.newConsumer(workload, topic, partitions, fromBeginning));
    }
  }

  /**
   * Starts reading until closed or until {@code target} records are read (see {@link #target(long)}).
   *
   * @param windowStartNs e2e: records sent before this are warm-up; consume: when reading starts
   */
  void start(long windowStartNs, long target) {
    this.windowStartNs = windowStartNs;
    target(target);
    for (int i = 0; i < clients.size(); i++) {
      BenchDriver.Consumer client = clients.get(i);
      Thread thread = new Thread(() -> readLoop(client), "bench-consumer-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  private void readLoop(BenchDriver.Consumer client) {
    try {
      while (!stop.get() && read.get() < target) {
        client.poll(POLL_MAX, this::onRecord);
      }
    } catch (RuntimeException e) {
      error.compareAndSet(null, e);
    }
  }

  private void onRecord(byte[] value) {
    long nowNs = System.nanoTime();
    read.incrementAndGet();
    if (e2e) {
      long sentNs = value == null || value.length < Workload.E2E_STAMP_BYTES ? Long.MIN_VALUE : ValueSource.stampNs(value);
      if (sentNs < windowStartNs) {
        return;
      }
      latency.recordNs(nowNs - sentNs);
    }
    readInWindow.incrementAndGet();
    bytesInWindow.addAndGet(value == null ? 0 : value.length);
    lastReadNs.accumulateAndGet(nowNs, Math::max);
  }

  /** Changes how many records the fleet reads before it stops (e2e: the acked count, once known). */
  void target(long records) {
    this.target = records;
  }

  /** Waits until the target is read or {@code untilNs}; true if it was read. */
  boolean awaitTarget(long untilNs) throws InterruptedException {
    while (read.get() < target && error.get() == null) {
      long leftNs = untilNs - System.nanoTime();
      if (leftNs <= 0) {
        return false;
      }
      Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(leftNs) + 1, 20));
    }
    return error.get() == null;
  }

  long read() {
    return read.get();
  }

  Throwable error() {
    return error.get();
  }

  /** Stops and closes the consumers (bounded: a poll returns within POLL_MAX). */
  void close() throws InterruptedException {
    stop.set(true);
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
    clients.forEach(BenchDriver.Consumer::close);
  }

  PhaseResult result(String phase, long expected) {
    long lastNs = lastReadNs.get();
    long elapsedNs = lastNs == 0 ? 0 : lastNs - windowStartNs;
    return new PhaseResult(
        phase, readInWindow.get(), 0, Math.max(0, expected - read.get()), bytesInWindow.get(), elapsedNs,
        e2e ? "send-to-receive" : "none", e2e && workload.rateRecordsPerSec() > 0, latency.summary());
  }
}
