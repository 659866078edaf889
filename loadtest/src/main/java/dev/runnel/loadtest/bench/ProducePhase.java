package dev.runnel.loadtest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Producers of one run: {@code producers} threads, each with its own client, sending their share
 * of the records (paced when the workload has a rate) until the count or the deadline is reached.
 */
final class ProducePhase {
  // After the last send, acks may still be in flight: wait one client request timeout and a bit.
  static final long DRAIN_GRACE_NS = TimeUnit.SECONDS.toNanos(35);

  private final BenchDriver driver;
  private final Workload workload;
  private final String topic;
  private final long recordsMax;
  private final long startNs;
  private final long windowStartNs;
  private final long endNs;
  private final boolean stamped;
  private final LatencyStats latency = new LatencyStats();
  private final ProduceTally tally;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private final List<BenchDriver.Producer> clients = new ArrayList<>();

  /**
   * @param recordsMax records over all threads, 0 = unlimited (the deadline ends the phase)
   * @param windowStartNs sends intended before this are warm-up: not measured
   * @param endNs no send is intended at or after this
   * @param stamped e2e: values carry their intended send time
   */
  ProducePhase(
      BenchDriver driver, Workload workload, String topic, long recordsMax, long startNs,
      long windowStartNs, long endNs, boolean stamped) {
    this.driver = driver;
    this.workload = workload;
    this.topic = topic;
    this.recordsMax = recordsMax;
    this.startNs = startNs;
    this.windowStartNs = windowStartNs;
    this.endNs = endNs;
    this.stamped = stamped;
    this.tally = new ProduceTally(windowStartNs);
  }

  /** Creates the clients and starts sending; returns at once. */
  void start() {
    int producers = workload.producers();
    for (int i = 0; i < producers; i++) {
      clients.add(driver.newProducer(workload));
    }
    for (int i = 0; i < producers; i++) {
      long share = recordsMax == 0 ? Long.MAX_VALUE : recordsMax / producers + (i < recordsMax % producers ? 1 : 0);
      SendSchedule schedule = SendSchedule.forThread(startNs, workload.rateRecordsPerSec(), producers, i);
      BenchDriver.Producer client = clients.get(i);
      KeyChooser keys = KeyChooser.of(workload.keyDistribution(), workload.keyCount(), workload.zipfExponent(), 1000 + i);
      ValueSource values = ValueSource.of(workload, stamped, 2000 + i);
      Thread thread = new Thread(() -> sendLoop(client, schedule, share, keys, values), "bench-producer-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  private void sendLoop(BenchDriver.Producer client, SendSchedule schedule, long share, KeyChooser keys, ValueSource values) {
    for (long i = 0; i < share && !stop.get(); i++) {
      long intendedNs = schedule.intendedNs(i, System.nanoTime());
      if (intendedNs >= endNs || !waitUntil(intendedNs)) {
        break;
      }
      boolean measured = intendedNs >= windowStartNs;
      tally.sent();
      client.send(topic, keys.next(), values.next(intendedNs), error -> {
        long nowNs = System.nanoTime();
        if (error != null) {
          tally.failed(error);
          return;
        }
        tally.acked(nowNs);
        if (measured) {
          latency.recordNs(nowNs - intendedNs);
        }
      });
    }
    client.flush();
  }

  /** Parks until {@code targetNs}; false if the phase ends first. */
  private boolean waitUntil(long targetNs) {
    long nowNs;
    // parkNanos may return early (spuriously or on interrupt), so re-check the clock.
    while ((nowNs = System.nanoTime()) < targetNs) {
      if (stop.get() || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(targetNs - nowNs);
    }
    return nowNs < endNs;
  }

  /** Waits (bounded) until the threads finished and every send has an outcome; false if not. */
  boolean awaitDone() throws InterruptedException {
    long untilNs = endNs + DRAIN_GRACE_NS;
    for (Thread thread : threads) {
      long leftMs = TimeUnit.NANOSECONDS.toMillis(untilNs - System.nanoTime());
      if (leftMs > 0) {
        thread.join(leftMs);
      }
      if (thread.isAlive()) {
        stop.set(true);
        return false;
      }
    }
    return tally.awaitSettled(untilNs);
  }

  /** Closes the clients unless a thread is stuck in one (then the process exit ends them). */
  void close() {
    stop.set(true);
    if (threads.stream().noneMatch(Thread::isAlive)) {
      clients.forEach(BenchDriver.Producer::close);
    }
  }

  ProduceTally tally() {
    return tally;
  }

  PhaseResult result(String phase) {
    long lastNs = tally.lastAckNs();
    long elapsedNs = lastNs == 0 ? 0 : lastNs - windowStartNs;
    long records = tally.ackedInWindowCount();
    return new PhaseResult(
        phase, records, tally.failedCount(), 0, records * workload.recordSizeBytes(), elapsedNs,
        "send-to-ack", workload.rateRecordsPerSec() > 0, latency.summary());
  }
}
