package dev.runnel.connectors.jdbc;

import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * What differs between databases: upsert syntax, column types for CREATE TABLE, and how a
 * database's reported column types should be read. Everything else (queries, binding, batching)
 * is plain JDBC shared by all. Pick one with {@link #forUrl}.
 */
public interface JdbcDialect {
  String name();

  /** Whether {@link #upsertSql} works on this database. */
  boolean supportsUpsert();

  /** The SQL type for a column holding values of {@code schema} (CREATE TABLE / ADD COLUMN). */
  String columnType(Schema schema);

  /**
   * The JDBC type to read a column as, given what the driver reports. Most drivers report the
   * truth; SQLite reports declared type names, which do not bound what a column holds.
   * {@code declaredTypeName} is the driver's column type name (ResultSetMetaData#getColumnTypeName).
   */
  default int sourceJdbcType(int reportedType, String declaredTypeName, int precision, int scale) {
    return reportedType;
  }

  static JdbcDialect forUrl(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      return new PostgresDialect();
    }
    if (lower.startsWith("jdbc:sqlite:")) {
      return new SqliteDialect();
    }
    return new GenericDialect();
  }

  default String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  default String quote(TableId table) {
    return table.schema() == null ? quote(table.table()) : quote(table.schema()) + "." + quote(table.table());
  }

  default String insertSql(TableId table, List<String> columns) {
    return "INSERT INTO " + quote(table) + " (" + quotedList(columns) + ") VALUES ("
        + columns.stream().map(column -> "?").collect(Collectors.joining(", ")) + ")";
  }

  /** INSERT that updates the non-key columns of an existing row with the same key. */
  default String upsertSql(TableId table, List<String> columns, List<String> keyColumns) {
    throw new UnsupportedOperationException(name() + " has no upsert");
  }

  default String createTableSql(TableId table, List<ColumnDef> columns, List<String> keyColumns) {
    StringBuilder sql = new StringBuilder("CREATE TABLE ").append(quote(table)).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      ColumnDef column = columns.get(i);
      sql.append(i == 0 ? "" : ", ").append(quote(column.name())).append(' ').append(columnType(column.schema()));
      if (!column.schema().isOptional() || keyColumns.contains(column.name())) {
        sql.append(" NOT NULL");
      }
    }
    if (!keyColumns.isEmpty()) {
      sql.append(", PRIMARY KEY (").append(quotedList(keyColumns)).append(')');
    }
    return sql.append(')').toString();
  }

  default String addColumnSql(TableId table, ColumnDef column) {
    // Added columns are nullable: existing rows have no value for them.
    return "ALTER TABLE " + quote(table) + " ADD COLUMN " + quote(column.name()) + " " + columnType(column.schema());
  }

  default String quotedList(List<String> names) {
    return names.stream().map(this::quote).collect(Collectors.joining(", "));
  }

  /** The JDBC type code for binding a null of this schema. */
  static int nullType(Schema schema) {
    if (schema == null) {
      return Types.NULL;
    }
    if (schema.name() != null) {
      switch (schema.name()) {
        case Decimal.LOGICAL_NAME: return Types.NUMERIC;
        case Date.LOGICAL_NAME: return Types.DATE;
        case Time.LOGICAL_NAME: return Types.TIME;
        case Timestamp.LOGICAL_NAME: return Types.TIMESTAMP;
        default: break;
      }
    }
    return switch (schema.type()) {
      case INT8 -> Types.TINYINT;
      case INT16 -> Types.SMALLINT;
      case INT32 -> Types.INTEGER;
      case INT64 -> Types.BIGINT;
      case FLOAT32 -> Types.REAL;
      case FLOAT64 -> Types.DOUBLE;
      case BOOLEAN -> Types.BOOLEAN;
      case STRING -> Types.VARCHAR;
      case BYTES -> Types.BINARY;
      default -> Types.NULL;
    };
  }

  /** A column to create: its name and the Connect schema of its values. */
  record ColumnDef(String name, Schema schema) {}
}
