package dev.runnel.sql.engine;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one query, read by SHOW QUERIES / DESCRIBE and tests. */
public final class QueryMetrics {
  public final AtomicLong recordsIn = new AtomicLong();
  public final AtomicLong rowsOut = new AtomicLong();
  /** Records for windows that had already closed (event time older than the grace period allows). */
  public final AtomicLong lateDropped = new AtomicLong();
  /** Records that could not be read or evaluated (bad JSON, wrong types); each is logged. */
  public final AtomicLong processingErrors = new AtomicLong();
  /** Records whose GROUP BY or join key was null. */
  public final AtomicLong nullKeyDropped = new AtomicLong();
  /** Records seen again after a restart whose effect the state already held. */
  public final AtomicLong duplicatesSkipped = new AtomicLong();
  public final AtomicLong windowsClosed = new AtomicLong();
  public final AtomicLong restoredRecords = new AtomicLong();
  /** Commits (flush, then offsets): one per non-empty poll. */
  public final AtomicLong commits = new AtomicLong();

  @Override
  public String toString() {
    return "in=" + recordsIn + " out=" + rowsOut + " late-dropped=" + lateDropped + " errors=" + processingErrors
        + " commits=" + commits + " null-keys=" + nullKeyDropped + " duplicates-skipped=" + duplicatesSkipped + " restored=" + restoredRecords;
  }
}
