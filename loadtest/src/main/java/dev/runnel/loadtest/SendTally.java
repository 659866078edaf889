package dev.runnel.loadtest;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts sends and their outcomes across sending threads and the SDK's callback threads. Shared
 * by the perf producer and {@code runnel produce}.
 */
public final class SendTally {
  private static final long SETTLE_POLL_NS = 1_000_000;

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong lastAckNs = new AtomicLong();
  private final AtomicReference<Throwable> firstError = new AtomicReference<>();

  public void recordSent() {
    sent.incrementAndGet();
  }

  public void recordAck(long nowNs) {
    acked.incrementAndGet();
    lastAckNs.accumulateAndGet(nowNs, Math::max);
  }

  public void recordFailure(Throwable error) {
    failed.incrementAndGet();
    firstError.compareAndSet(null, error);
  }

  public long sent() {
    return sent.get();
  }

  public long acked() {
    return acked.get();
  }

  public long failed() {
    return failed.get();
  }

  /** When the last ack arrived (System.nanoTime), or 0 if none did. */
  public long lastAckNs() {
    return lastAckNs.get();
  }

  /**
   * Waits until every send has an outcome, up to {@code untilNs}. Needed after flush(): flush
   * returns when the futures complete, which may be just before our completion callbacks ran.
   */
  public boolean awaitSettled(long untilNs) {
    while (acked.get() + failed.get() < sent.get()) {
      if (System.nanoTime() >= untilNs) {
        return false;
      }
      LockSupport.parkNanos(SETTLE_POLL_NS);
    }
    return true;
  }

  public Throwable firstError() {
    return firstError.get();
  }
}
