package dev.runnel.connect.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Test;

/** The error policy, with a fake clock: no waiting. */
class ErrorHandlerTest {
  long nowMs;
  final List<Long> sleeps = new ArrayList<>();

  ErrorHandler handler(boolean tolerateAll, long retryTimeoutMs) {
    return new ErrorHandler("task t-0", tolerateAll, false, false, new RetrySchedule(retryTimeoutMs, 1_000, 100),
        ms -> {
          sleeps.add(ms);
          nowMs += ms;
        }, () -> nowMs);
  }

  @Test
  void retriableFailures_areRetriedWithDoublingBackoff_untilTheySucceed() {
    AtomicInteger calls = new AtomicInteger();
    String result = handler(false, 10_000).execute(Stage.TRANSFORMATION, () -> "r", () -> {
      if (calls.incrementAndGet() < 4) {
        throw new RetriableException("not yet");
      }
      return "ok";
    });
    assertEquals("ok", result);
    assertEquals(List.of(100L, 200L, 400L), sleeps);
  }

  @Test
  void retriesStopAtTheTimeout_thenTheRecordIsSkippedWhenToleratingAll() {
    ErrorHandler errors = handler(true, 250);
    ErrorHandler.SkipRecord skipped = assertThrows(ErrorHandler.SkipRecord.class,
        () -> errors.execute(Stage.VALUE_CONVERTER, () -> "r", () -> {
          throw new RetriableException("never");
        }));
    assertEquals(Stage.VALUE_CONVERTER, skipped.stage());
    assertEquals(List.of(100L, 150L), sleeps, "the last wait is cut to the time left");
    assertEquals(1, errors.failedRecords());
  }

  @Test
  void withToleranceNone_aFailureFailsTheTask_withoutRetryForNonRetriableErrors() {
    ConnectException failure = assertThrows(ConnectException.class,
        () -> handler(false, 10_000).execute(Stage.KEY_CONVERTER, () -> "r", () -> {
          throw new DataException("bad bytes");
        }));
    assertEquals(true, failure.getMessage().contains("KEY_CONVERTER"));
    assertEquals(List.of(), sleeps);
  }

  @Test
  void retrySchedule_zeroNeverRetries_minusOneRetriesForever() {
    assertEquals(-1, new RetrySchedule(0, 1_000, 100).delayMs(1, 0));
    assertEquals(1_000, new RetrySchedule(-1, 1_000, 100).delayMs(40, Long.MAX_VALUE / 2));
  }
}
