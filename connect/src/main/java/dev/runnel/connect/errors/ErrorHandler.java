package dev.runnel.connect.errors;

import java.util.function.Supplier;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage of one record (a conversion or a transform) under the connector's error policy:
 * retriable failures are retried on the {@link RetrySchedule}; a failure that remains fails the
 * task ({@code errors.tolerance=none}), or, with {@code all}, is logged (if {@code
 * errors.log.enable}) and surfaces as {@link SkipRecord} so the caller drops the record and hands
 * it to the dead-letter queue. Nothing is dropped without being counted.
 */
public final class ErrorHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  /** A tolerated failure: the caller skips the record (and reports it). */
  public static final class SkipRecord extends RuntimeException {
    private final Stage stage;

    SkipRecord(Stage stage, Throwable cause) {
      super(stage + " failed: " + cause, cause, false, false);
      this.stage = stage;
    }

    public Stage stage() {
      return stage;
    }
  }

  /** Waits between retries; tests pass one that records instead of sleeping. */
  public interface Sleeper {
    void sleep(long ms) throws InterruptedException;
  }

  private final String taskName;
  private final boolean tolerateAll;
  private final boolean logErrors;
  private final boolean logRecords;
  private final RetrySchedule schedule;
  private final Sleeper sleeper;
  private final java.util.function.LongSupplier clockMs;
  private long failedRecords;
  private long retries;

  public ErrorHandler(String taskName, boolean tolerateAll, boolean logErrors, boolean logRecords,
      RetrySchedule schedule, Sleeper sleeper, java.util.function.LongSupplier clockMs) {
    this.taskName = taskName;
    this.tolerateAll = tolerateAll;
    this.logErrors = logErrors;
    this.logRecords = logRecords;
    this.schedule = schedule;
    this.sleeper = sleeper;
    this.clockMs = clockMs;
  }

  /**
   * The result of {@code operation}; throws {@link SkipRecord} for a tolerated failure and
   * ConnectException when the task must fail. {@code where} describes the record for logs.
   */
  public <T> T execute(Stage stage, Supplier<String> where, Supplier<T> operation) {
    long startMs = clockMs.getAsLong();
    int attempt = 0;
    while (true) {
      attempt++;
      try {
        return operation.get();
      } catch (RetriableException e) {
        long delayMs = schedule.delayMs(attempt, clockMs.getAsLong() - startMs);
        if (delayMs < 0) {
          return fail(stage, where, e);
        }
        retries++;
        LOG.debug("{}: {} failed (attempt {}), retrying in {} ms: {}", taskName, stage, attempt, delayMs, e.toString());
        try {
          sleeper.sleep(delayMs);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new ConnectException(taskName + ": interrupted while retrying " + stage, e);
        }
      } catch (SkipRecord e) {
        throw e;
      } catch (RuntimeException e) {
        return fail(stage, where, e);
      }
    }
  }

  private <T> T fail(Stage stage, Supplier<String> where, RuntimeException error) {
    if (!tolerateAll) {
      throw new ConnectException(
          taskName + ": " + stage + " failed" + (logRecords ? " for " + where.get() : "")
              + " and errors.tolerance=none: " + error.getMessage(), error);
    }
    failedRecords++;
    if (logErrors) {
      LOG.error("{}: {} failed{}; skipping the record (errors.tolerance=all)",
          taskName, stage, logRecords ? " for " + where.get() : "", error);
    }
    throw new SkipRecord(stage, error);
  }

  /** Records skipped because of a tolerated failure. */
  public long failedRecords() {
    return failedRecords;
  }

  public long retries() {
    return retries;
  }
}
