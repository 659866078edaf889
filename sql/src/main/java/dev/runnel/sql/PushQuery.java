package dev.runnel.sql;

import dev.runnel.sql.catalog.Column;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A running push query or PRINT: rows go to its listener until LIMIT, an error, or {@link #close}. */
public final class PushQuery implements AutoCloseable {
  private final String id;
  private final Runnable stopper;
  private final List<Column> columns;
  private final boolean windowed;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile String error;

  PushQuery(String id, List<Column> columns, boolean windowed, Runnable stopper) {
    this.id = id;
    this.stopper = stopper;
    this.columns = List.copyOf(columns);
    this.windowed = windowed;
  }

  /** The columns of the rows, in order (empty for PRINT, whose records have no schema). */
  public List<Column> columns() {
    return columns;
  }

  /** True when rows carry a window (windowStart/windowEnd). */
  public boolean windowed() {
    return windowed;
  }

  public String id() {
    return id;
  }

  void ended(String error) {
    this.error = error;
    ended.countDown();
  }

  /** Waits until the query ends by itself (LIMIT or error); false on timeout. */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Why the query failed, or null. */
  public String error() {
    return error;
  }

  @Override
  public void close() {
    stopper.run();
  }
}
