package dev.runnel.storage;

/**
 * A compacted topic's settings, as the compactor uses them.
 *
 * @param minCompactionLagMs a batch appended less than this long ago is not compacted yet (the head of the log)
 * @param deleteRetentionMs a tombstone (a record with a null value) is kept at least this long after its batch was
 *     appended, so consumers reading the log get to see the deletion
 */
public record CompactionPolicy(long minCompactionLagMs, long deleteRetentionMs) {
  public CompactionPolicy {
    if (minCompactionLagMs < 0 || deleteRetentionMs < 0) {
      throw new IllegalArgumentException("minCompactionLagMs and deleteRetentionMs must be >= 0, got "
          + minCompactionLagMs + " and " + deleteRetentionMs);
    }
  }
}
