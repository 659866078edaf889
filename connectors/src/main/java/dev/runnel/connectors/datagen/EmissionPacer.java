package dev.runnel.connectors.datagen;

/**
 * Keeps a source at {@code ratePerSec} events per second on average: how many events are due
 * at a given time, and how long until the next one. Pure; the caller passes the time.
 */
final class EmissionPacer {
  private final int ratePerSec;
  private final long startNs;

  EmissionPacer(int ratePerSec, long startNs) {
    if (ratePerSec < 1) {
      throw new IllegalArgumentException("ratePerSec " + ratePerSec);
    }
    this.ratePerSec = ratePerSec;
    this.startNs = startNs;
  }

  /** Events that should have been emitted by {@code nowNs}, counted from the start. */
  long dueCount(long nowNs) {
    long elapsedMs = Math.max(0, (nowNs - startNs) / 1_000_000);
    // Millisecond resolution keeps elapsedMs * rate far from overflow (years at 10^6/s).
    return elapsedMs * ratePerSec / 1000 + 1;
  }

  /** Nanoseconds from {@code nowNs} until event number {@code emitted} (0-based) is due. */
  long nanosUntilDue(long emitted, long nowNs) {
    long dueAtNs = startNs + Math.multiplyExact(emitted, 1_000_000_000L) / ratePerSec;
    return Math.max(0, dueAtNs - nowNs);
  }
}
