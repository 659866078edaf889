package dev.runnel.sql.engine;

import java.util.List;

/**
 * A result row of a push query: values in the query's column order; {@code tombstone} when the
 * row deletes its key from a table-like result (only key columns are set then).
 */
public record Row(List<String> columns, List<Object> values, boolean tombstone, Long windowStart, Long windowEnd,
    long timestampMs) {

  public Object get(String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException("no column " + column + " in " + columns);
    }
    return values.get(i);
  }
}
