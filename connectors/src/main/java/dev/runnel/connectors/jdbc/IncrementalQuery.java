package dev.runnel.connectors.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * The SQL that fetches the rows after an offset, in offset order, for one table (or one custom
 * query, wrapped as a subquery). Timestamp modes stop below an upper bound ("now" minus a
 * delay), so a row committed late with an earlier timestamp than already-read rows is only
 * missed if it is later than the delay. SQL building and parameter binding live together here so
 * their order cannot drift apart.
 */
final class IncrementalQuery {
  private final QueryMode mode;
  private final String from;
  private final String incrementing;
  private final String timestamp;

  private IncrementalQuery(QueryMode mode, String from, String incrementing, String timestamp) {
    this.mode = mode;
    this.from = from;
    this.incrementing = incrementing;
    this.timestamp = timestamp;
  }

  static IncrementalQuery forTable(
      JdbcDialect dialect, TableId table, QueryMode mode, String incrementingColumn, String timestampColumn) {
    return new IncrementalQuery(mode, "SELECT * FROM " + dialect.quote(table),
        quoteOrNull(dialect, incrementingColumn), quoteOrNull(dialect, timestampColumn));
  }

  static IncrementalQuery forQuery(
      JdbcDialect dialect, String query, QueryMode mode, String incrementingColumn, String timestampColumn) {
    return new IncrementalQuery(mode, "SELECT * FROM (" + query + ") runnel_query",
        quoteOrNull(dialect, incrementingColumn), quoteOrNull(dialect, timestampColumn));
  }

  private static String quoteOrNull(JdbcDialect dialect, String column) {
    return column == null || column.isEmpty() ? null : dialect.quote(column);
  }

  /** The rows after {@code offset} (all rows when it is null), in offset order. */
  String sql(boolean hasOffset) {
    return switch (mode) {
      case INCREMENTING -> from + (hasOffset ? " WHERE " + incrementing + " > ?" : "")
          + " ORDER BY " + incrementing;
      case TIMESTAMP -> from + " WHERE " + (hasOffset ? timestamp + " > ? AND " : "") + timestamp + " < ?"
          + " ORDER BY " + timestamp;
      case TIMESTAMP_INCREMENTING -> from + " WHERE " + timestamp + " < ?"
          + (hasOffset ? " AND (" + timestamp + " > ? OR (" + timestamp + " = ? AND " + incrementing + " > ?))" : "")
          + " ORDER BY " + timestamp + ", " + incrementing;
    };
  }

  /** Binds the parameters of {@code sql(offset != null)}. */
  void bind(PreparedStatement statement, SourceOffset offset, Timestamp upperBound) throws SQLException {
    switch (mode) {
      case INCREMENTING -> {
        if (offset != null) {
          statement.setLong(1, offset.incrementing());
        }
      }
      case TIMESTAMP -> {
        int index = 1;
        if (offset != null) {
          statement.setTimestamp(index++, offset.timestamp(), RowConverter.utc());
        }
        statement.setTimestamp(index, upperBound, RowConverter.utc());
      }
      case TIMESTAMP_INCREMENTING -> {
        statement.setTimestamp(1, upperBound, RowConverter.utc());
        if (offset != null) {
          statement.setTimestamp(2, offset.timestamp(), RowConverter.utc());
          statement.setTimestamp(3, offset.timestamp(), RowConverter.utc());
          statement.setLong(4, offset.incrementing());
        }
      }
      default -> throw new IllegalStateException("mode " + mode);
    }
  }

  /**
   * In timestamp-only mode, every row with one timestamp must be read in the same page: the next
   * page starts strictly after the offset's timestamp. This query fetches all rows of one
   * timestamp, for when a page holds nothing else.
   */
  String sqlForTimestamp() {
    return from + " WHERE " + timestamp + " = ?";
  }
}
