package dev.runnel.connectors.jdbc;

import dev.runnel.connectors.jdbc.JdbcDialect.ColumnDef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows which tables and columns the sink's database has (cached after the first look), and
 * creates tables (auto.create) or adds columns (auto.evolve) that rows need; without those
 * options a missing table or column fails with its name instead of a driver error.
 */
final class TableCatalog {
  private static final Logger log = LoggerFactory.getLogger(TableCatalog.class);

  private final JdbcDialect dialect;
  private final boolean autoCreate;
  private final boolean autoEvolve;
  private final Map<TableId, Set<String>> columnsByTable = new HashMap<>();

  TableCatalog(JdbcDialect dialect, boolean autoCreate, boolean autoEvolve) {
    this.dialect = dialect;
    this.autoCreate = autoCreate;
    this.autoEvolve = autoEvolve;
  }

  /** Makes sure the row's table and columns exist. DDL runs in the caller's transaction. */
  void ensure(Connection connection, SinkRow row) throws SQLException {
    Set<String> existing = columnsByTable.get(row.table());
    if (existing == null) {
      existing = readColumns(connection, row.table());
      if (existing.isEmpty()) {
        if (!autoCreate) {
          throw new ConnectException("table " + row.table() + " does not exist and auto.create=false");
        }
        execute(connection, dialect.createTableSql(row.table(), columnDefs(row, row.columns()), row.keyColumns()));
        existing.addAll(row.columns());
      }
      columnsByTable.put(row.table(), existing);
    }
    Set<String> known = existing;
    List<String> missing = row.columns().stream().filter(column -> !known.contains(column)).toList();
    if (missing.isEmpty()) {
      return;
    }
    if (!autoEvolve) {
      throw new ConnectException("table " + row.table() + " has no column(s) " + missing + " and auto.evolve=false");
    }
    for (ColumnDef column : columnDefs(row, missing)) {
      execute(connection, dialect.addColumnSql(row.table(), column));
      existing.add(column.name());
    }
  }

  /** After a rolled-back transaction the DDL in it is gone too (on databases with DDL in transactions). */
  void forget() {
    columnsByTable.clear();
  }

  private static List<ColumnDef> columnDefs(SinkRow row, List<String> names) {
    List<ColumnDef> columns = new ArrayList<>();
    for (String name : names) {
      Schema schema = row.schemas().get(row.columns().indexOf(name));
      // A null in a schemaless record says nothing about the type: make it a nullable text column.
      columns.add(new ColumnDef(name, schema != null ? schema : Schema.OPTIONAL_STRING_SCHEMA));
    }
    return columns;
  }

  private void execute(Connection connection, String sql) throws SQLException {
    log.info("JDBC sink: {}", sql);
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate(sql);
    }
  }

  private static Set<String> readColumns(Connection connection, TableId table) throws SQLException {
    Set<String> columns = new HashSet<>();
    try (ResultSet result = connection.getMetaData().getColumns(null, table.schema(), table.table(), null)) {
      while (result.next()) {
        // The name argument is a LIKE pattern: keep only the exact table's columns.
        if (table.table().equals(result.getString("TABLE_NAME"))) {
          columns.add(result.getString("COLUMN_NAME"));
        }
      }
    }
    return columns;
  }
}
