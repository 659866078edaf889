package dev.runnel.node.compaction;

import java.util.function.LongSupplier;

/**
 * Keeps the cleaner's I/O at or below a rate: after each transaction the bytes it read are
 * accounted, and the thread sleeps until the rate over the current one-second window is back
 * under the limit. Time comes from the caller (a nanosecond clock) so tests can drive it.
 */
final class IoThrottle {
  private static final long WINDOW_NS = 1_000_000_000L;

  /** How the throttle waits; {@code Thread::sleep} in production. */
  @FunctionalInterface
  interface Sleeper {
    void sleepMs(long ms) throws InterruptedException;
  }

  private final long bytesPerSecondMax;
  private final LongSupplier nanoClock;
  private final Sleeper sleeper;
  private long windowStartNs;
  private long windowBytes;

  IoThrottle(long bytesPerSecondMax, LongSupplier nanoClock, Sleeper sleeper) {
    if (bytesPerSecondMax <= 0) {
      throw new IllegalArgumentException("bytesPerSecondMax must be > 0, got " + bytesPerSecondMax);
    }
    this.bytesPerSecondMax = bytesPerSecondMax;
    this.nanoClock = nanoClock;
    this.sleeper = sleeper;
    this.windowStartNs = nanoClock.getAsLong();
  }

  /**
   * Accounts {@code bytes} and waits as long as needed.
   *
   * @throws CleanerStoppedException if interrupted while waiting (the node is stopping)
   */
  void account(long bytes) {
    long nowNs = nanoClock.getAsLong();
    if (nowNs - windowStartNs >= WINDOW_NS) {
      windowStartNs = nowNs;
      windowBytes = 0;
    }
    windowBytes += bytes;
    long dueNs = (long) (windowBytes * (1e9 / bytesPerSecondMax));
    long aheadMs = (dueNs - (nowNs - windowStartNs)) / 1_000_000;
    if (aheadMs > 0) {
      try {
        sleeper.sleepMs(aheadMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CleanerStoppedException();
      }
    }
  }

  /** The cleaner was interrupted: the node is stopping. */
  static final class CleanerStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CleanerStoppedException() {
      super("log cleaner stopped", null, false, false);
    }
  }
}
