package dev.runnel.connectors.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the rows of one put() in one transaction: consecutive rows of the same shape (table and
 * columns) go through one prepared statement as JDBC batches of at most batchMaxRows. Runs keep
 * the records' order, so two upserts of one key land in the order they were produced.
 */
final class JdbcWriter {
  private final JdbcDialect dialect;
  private final TableCatalog catalog;
  private final boolean upsert;
  private final int batchMaxRows;

  JdbcWriter(JdbcDialect dialect, TableCatalog catalog, boolean upsert, int batchMaxRows) {
    this.dialect = dialect;
    this.catalog = catalog;
    this.upsert = upsert;
    this.batchMaxRows = batchMaxRows;
  }

  /** Commits all rows or none (the caller's exception handling rolls back). */
  void write(Connection connection, List<SinkRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    connection.setAutoCommit(false);
    try {
      for (List<SinkRow> run : runsOfSameShape(rows)) {
        writeRun(connection, run);
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      catalog.forget();
      throw e;
    }
  }

  static List<List<SinkRow>> runsOfSameShape(List<SinkRow> rows) {
    List<List<SinkRow>> runs = new ArrayList<>();
    List<SinkRow> run = new ArrayList<>();
    for (SinkRow row : rows) {
      if (!run.isEmpty() && !run.get(0).shape().equals(row.shape())) {
        runs.add(run);
        run = new ArrayList<>();
      }
      run.add(row);
    }
    runs.add(run);
    return runs;
  }

  private void writeRun(Connection connection, List<SinkRow> run) throws SQLException {
    SinkRow first = run.get(0);
    catalog.ensure(connection, first);
    String sql = upsert
        ? dialect.upsertSql(first.table(), first.columns(), first.keyColumns())
        : dialect.insertSql(first.table(), first.columns());
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int pending = 0;
      for (SinkRow row : run) {
        for (int i = 0; i < row.values().size(); i++) {
          SqlValues.bind(statement, i + 1, row.schemas().get(i), row.values().get(i));
        }
        statement.addBatch();
        if (++pending == batchMaxRows) {
          statement.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        statement.executeBatch();
      }
    }
  }
}
