package dev.runnel.sdk;

import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import java.util.function.Supplier;

/**
 * Exponential backoff between retries, doubling from {@code retryBackoffMs} and capped at one
 * second (Kafka's retry.backoff.max.ms default): a leader election takes one to two seconds, and
 * a longer wait only adds to the pause producers see after it.
 */
final class RetryBackoff {
  static final long BACKOFF_MS_MAX = 1_000;

  private final int retries;
  private final long retryBackoffMs;

  RetryBackoff(int retries, long retryBackoffMs) {
    this.retries = retries;
    this.retryBackoffMs = retryBackoffMs;
  }

  /** Whether a call that failed on attempt number {@code attempts} (1-based) may be tried again. */
  boolean mayRetry(RunnelException error, int attempts) {
    return error.retriable() && hasAttemptsLeft(attempts);
  }

  /** Whether attempt number {@code attempts} (1-based) may be followed by another one. */
  boolean hasAttemptsLeft(int attempts) {
    return attempts <= retries;
  }

  /** The wait before attempt {@code attempts + 1}, after {@code attempts} failed ones. */
  long backoffMs(int attempts) {
    int doublings = Math.min(Math.max(attempts - 1, 0), 16);
    return Math.min(retryBackoffMs << doublings, Math.max(retryBackoffMs, BACKOFF_MS_MAX));
  }

  /** Runs a blocking call, repeating it after a backoff while it fails with a retriable error. */
  <T> T call(Supplier<T> blockingCall) {
    for (int attempts = 1; ; attempts++) {
      try {
        return blockingCall.get();
      } catch (RuntimeException e) {
        RunnelException error = RunnelException.from(e);
        if (!mayRetry(error, attempts)) {
          throw error;
        }
        sleepMs(backoffMs(attempts));
      }
    }
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RunnelException.local(
          ErrorReason.ERROR_REASON_UNSPECIFIED, Status.Code.CANCELLED, "interrupted while backing off");
    }
  }
}
