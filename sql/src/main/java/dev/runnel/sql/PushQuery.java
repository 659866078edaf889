package dev.runnel.sql;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A running push query or PRINT: rows go to its listener until LIMIT, an error, or {@link #close}. */
public final class PushQuery implements AutoCloseable {
  private final String id;
  private final Runnable stopper;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile String error;

  PushQuery(String id, Runnable stopper) {
    this.id = id;
    this.stopper = stopper;
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
