package dev.runnel.sql.engine;

/**
 * Where a processor sends result rows: {@code row} is the projection (SELECT order); a
 * {@code tombstone} deletes the key the row's key columns name (its other columns are null).
 * Window bounds are null for unwindowed results.
 */
@FunctionalInterface
public interface Emitter {
  void emit(Object[] row, boolean tombstone, Long windowStart, Long windowEnd, long timestampMs);
}
