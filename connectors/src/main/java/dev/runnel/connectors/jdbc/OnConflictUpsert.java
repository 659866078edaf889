package dev.runnel.connectors.jdbc;

import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code INSERT ... ON CONFLICT (key) DO UPDATE SET c = excluded.c}: PostgreSQL (9.5+) and
 * SQLite (3.24+) spell upsert the same way, so both dialects share this.
 */
final class OnConflictUpsert {
  private OnConflictUpsert() {}

  static String sql(JdbcDialect dialect, TableId table, List<String> columns, List<String> keyColumns) {
    if (keyColumns.isEmpty()) {
      throw new IllegalStateException("upsert without key columns into " + table);
    }
    List<String> updated = columns.stream().filter(column -> !keyColumns.contains(column)).toList();
    String onConflict = " ON CONFLICT (" + dialect.quotedList(keyColumns) + ") DO ";
    if (updated.isEmpty()) {
      // Every column is part of the key: an existing row already holds these exact values.
      return dialect.insertSql(table, columns) + onConflict + "NOTHING";
    }
    return dialect.insertSql(table, columns) + onConflict + "UPDATE SET "
        + updated.stream()
            .map(column -> dialect.quote(column) + " = excluded." + dialect.quote(column))
            .collect(Collectors.joining(", "));
  }
}
