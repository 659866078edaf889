package dev.runnel.loadtest.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the sends of one produce phase and their outcomes, across producer threads and client
 * callback threads. Acks arriving at or after {@code windowStartNs} (the end of the warm-up) are
 * the ones that count for throughput.
 */
final class ProduceTally {
  private static final long SETTLE_POLL_NS = 1_000_000;

  private final long windowStartNs;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong ackedInWindow = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong lastAckNs = new AtomicLong();
  private final AtomicReference<Throwable> firstError = new AtomicReference<>();

  ProduceTally(long windowStartNs) {
    this.windowStartNs = windowStartNs;
  }

  void sent() {
    sent.incrementAndGet();
  }

  void acked(long nowNs) {
    acked.incrementAndGet();
    if (nowNs >= windowStartNs) {
      ackedInWindow.incrementAndGet();
      lastAckNs.accumulateAndGet(nowNs, Math::max);
    }
  }

  void failed(Throwable error) {
    failed.incrementAndGet();
    firstError.compareAndSet(null, error);
  }

  long sentCount() {
    return sent.get();
  }

  long ackedCount() {
    return acked.get();
  }

  long ackedInWindowCount() {
    return ackedInWindow.get();
  }

  long failedCount() {
    return failed.get();
  }

  /** The last ack in the window (System.nanoTime), or 0 if none. */
  long lastAckNs() {
    return lastAckNs.get();
  }

  Throwable firstError() {
    return firstError.get();
  }

  /** Waits until every send has an outcome, up to {@code untilNs}; false if some have none by then. */
  boolean awaitSettled(long untilNs) {
    while (acked.get() + failed.get() < sent.get()) {
      if (System.nanoTime() >= untilNs) {
        return false;
      }
      LockSupport.parkNanos(SETTLE_POLL_NS);
    }
    return true;
  }
}
