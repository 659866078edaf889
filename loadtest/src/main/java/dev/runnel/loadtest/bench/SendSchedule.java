package dev.runnel.loadtest.bench;

/**
 * When the i-th record of one producer thread is meant to be sent. At a fixed rate the latency of
 * a record is measured from this intended time, not from when the thread got round to sending it:
 * a stall then shows up in the latency of every record it delayed instead of as one slow sample
 * (coordinated omission, Gil Tene, "How NOT to Measure Latency"). Pure: no clock, no threads.
 *
 * @param startNs the intended time of record 0
 * @param intervalNs time between two records of this thread; 0 = as fast as possible, no schedule
 */
public record SendSchedule(long startNs, long intervalNs) {
  /** A schedule for one of {@code threads} threads sharing {@code ratePerSec}; threads interleave. */
  public static SendSchedule forThread(long startNs, long ratePerSec, int threads, int thread) {
    if (ratePerSec <= 0) {
      return new SendSchedule(startNs, 0);
    }
    long intervalNs = Math.max(1, Math.round(1e9 * threads / ratePerSec));
    return new SendSchedule(startNs + intervalNs * thread / threads, intervalNs);
  }

  public boolean paced() {
    return intervalNs > 0;
  }

  /** The intended send time of record {@code index}; unpaced: the time the caller sends it. */
  public long intendedNs(long index, long nowNs) {
    return paced() ? startNs + index * intervalNs : nowNs;
  }
}
