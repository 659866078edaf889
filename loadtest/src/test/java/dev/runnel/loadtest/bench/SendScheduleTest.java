package dev.runnel.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SendScheduleTest {
  private static final long MS = 1_000_000L;

  @Test
  void threads_share_the_rate_and_interleave() {
    SendSchedule t0 = SendSchedule.forThread(1_000, 1_000, 2, 0);
    SendSchedule t1 = SendSchedule.forThread(1_000, 1_000, 2, 1);
    assertEquals(2 * MS, t0.intervalNs(), "1,000/s over 2 threads: 500/s each");
    assertEquals(1_000, t0.intendedNs(0, 0));
    assertEquals(1_000 + MS, t1.intendedNs(0, 0), "thread 1 sends between thread 0's records");
    assertEquals(1_000 + 4 * MS, t0.intendedNs(2, 0));
  }

  @Test
  void unpaced_schedules_use_the_send_time() {
    SendSchedule s = SendSchedule.forThread(5, 0, 3, 2);
    assertFalse(s.paced());
    assertEquals(777, s.intendedNs(10, 777));
  }

  /**
   * Coordinated omission: a sender paced at 1,000/s stalls for 500 ms once in 2 s (as a client
   * blocked on a full buffer or a GC would). Measured from the actual send time, the stall is
   * one slow record and p99 stays at the 1 ms service time; measured from the intended send
   * time (what the harness does), the ~500 records the stall delayed all show it.
   */
  @Test
  void latency_from_intended_send_times_shows_a_stall_that_naive_timing_hides() {
    SendSchedule schedule = SendSchedule.forThread(0, 1_000, 1, 0);
    LatencyStats corrected = new LatencyStats();
    LatencyStats naive = new LatencyStats();
    long serviceNs = MS;
    long stallAtNs = 1_000 * MS;
    long stallNs = 500 * MS;
    long clockNs = 0;
    for (long i = 0; i < 2_000; i++) {
      long intendedNs = schedule.intendedNs(i, clockNs);
      long sendNs = Math.max(clockNs, intendedNs); // the sender never sends early
      long ackNs = sendNs + serviceNs + (sendNs <= stallAtNs && stallAtNs < sendNs + serviceNs ? stallNs : 0);
      corrected.recordNs(ackNs - intendedNs);
      naive.recordNs(ackNs - sendNs);
      clockNs = ackNs; // one send at a time: the next waits for this one
    }
    assertEquals(1.0, naive.summary().p99Ms(), 0.01, "naive p99 is the service time");
    assertTrue(naive.summary().maxMs() >= 500, "the stall itself is seen once");
    assertTrue(corrected.summary().p90Ms() >= 40, "corrected p90: " + corrected.summary());
    assertTrue(corrected.summary().p99Ms() >= 450, "corrected p99: " + corrected.summary());
    assertEquals(2_000, corrected.summary().count());
  }
}
