package dev.runnel.connect.errors;

/**
 * When to retry a retriable failure: the wait doubles from {@code firstDelayMs} up to {@code
 * delayMaxMs}, and retrying stops once {@code timeoutMs} has passed since the first failure
 * ({@code 0}: never retry, {@code -1}: retry forever). Pure, so it is tested without waiting.
 */
public record RetrySchedule(long timeoutMs, long delayMaxMs, long firstDelayMs) {
  public RetrySchedule {
    if (timeoutMs < -1 || delayMaxMs < 1 || firstDelayMs < 1) {
      throw new IllegalArgumentException("bad retry schedule " + timeoutMs + "/" + delayMaxMs + "/" + firstDelayMs);
    }
  }

  /** The wait before attempt {@code attempt + 1} (attempt counts from 1), or -1 to give up. */
  public long delayMs(int attempt, long elapsedMs) {
    if (timeoutMs == 0) {
      return -1;
    }
    long delay = firstDelayMs << Math.min(attempt - 1, 30);
    delay = Math.min(Math.max(delay, firstDelayMs), delayMaxMs);
    if (timeoutMs < 0) {
      return delay;
    }
    long remaining = timeoutMs - elapsedMs;
    if (remaining <= 0) {
      return -1;
    }
    return Math.min(delay, remaining);
  }
}
