package dev.runnel.node.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IoThrottleTest {
  private long nowNs;
  private final List<Long> sleptMs = new ArrayList<>();

  private IoThrottle throttle(long bytesPerSecond) {
    return new IoThrottle(bytesPerSecond, () -> nowNs, ms -> {
      sleptMs.add(ms);
      nowNs += ms * 1_000_000;
    });
  }

  @Test
  void sleepsUntilTheBytesFitTheRate() {
    IoThrottle throttle = throttle(1_000);
    throttle.account(500);
    throttle.account(500);
    assertEquals(List.of(500L, 500L), sleptMs);
    throttle.account(100); // a new one-second window
    assertEquals(List.of(500L, 500L, 100L), sleptMs);
  }

  @Test
  void doesNotSleepWhenBelowTheRate() {
    IoThrottle throttle = throttle(1_000_000);
    nowNs = 10_000_000; // 10 ms
    throttle.account(5_000); // due after 5 ms
    assertTrue(sleptMs.isEmpty(), sleptMs.toString());
  }

  @Test
  void anInterruptStopsTheCleaner() {
    IoThrottle throttle = new IoThrottle(1, () -> 0, ms -> {
      throw new InterruptedException();
    });
    assertThrows(IoThrottle.CleanerStoppedException.class, () -> throttle.account(10));
    assertTrue(Thread.interrupted(), "the interrupt is kept for the thread's owner");
  }
}
