package dev.runnel.connectors.jdbc;

import java.sql.Types;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * SQLite stores values by storage class, not by declared type. Timestamps are written the way
 * sqlite-jdbc writes them by default (epoch milliseconds in an INTEGER); the declared type names
 * (TIMESTAMP, DATE) are kept so the source side reads them back as such.
 */
final class SqliteDialect implements JdbcDialect {
  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public boolean supportsUpsert() {
    return true;
  }

  @Override
  public String upsertSql(TableId table, List<String> columns, List<String> keyColumns) {
    return OnConflictUpsert.sql(this, table, columns, keyColumns);
  }

  @Override
  public int sourceJdbcType(int reportedType, String declaredTypeName, int precision, int scale) {
    // sqlite-jdbc reports the type of the current row's value for a NUMERIC-affinity column:
    // DECIMAL(12,2) holding 300 (stored as an integer) is reported as INTEGER, holding 1.25 as
    // DECIMAL. The schema must not depend on the first row, so decimals go by their declaration.
    String declared = declaredTypeName == null ? "" : declaredTypeName.toUpperCase(java.util.Locale.ROOT);
    if (declared.startsWith("DECIMAL") || declared.startsWith("NUMERIC")) {
      return precision == 0 ? Types.DOUBLE : Types.DECIMAL;
    }
    // An INTEGER column holds 64-bit values (it may be the rowid), whatever its declared width.
    if (reportedType == Types.INTEGER || reportedType == Types.SMALLINT || reportedType == Types.TINYINT) {
      return Types.BIGINT;
    }
    // NUMERIC without precision has NUMERIC affinity: values are stored as INTEGER or REAL.
    if ((reportedType == Types.NUMERIC || reportedType == Types.DECIMAL) && precision == 0) {
      return Types.DOUBLE;
    }
    return reportedType;
  }

  @Override
  public String columnType(Schema schema) {
    if (schema.name() != null) {
      switch (schema.name()) {
        case Decimal.LOGICAL_NAME: return "NUMERIC";
        case Date.LOGICAL_NAME: return "DATE";
        case Time.LOGICAL_NAME: return "TIME";
        case Timestamp.LOGICAL_NAME: return "TIMESTAMP";
        default: break;
      }
    }
    return switch (schema.type()) {
      case INT8, INT16, INT32, INT64, BOOLEAN -> "INTEGER";
      case FLOAT32, FLOAT64 -> "REAL";
      case STRING -> "TEXT";
      case BYTES -> "BLOB";
      default -> throw new IllegalArgumentException("no SQLite column type for " + schema.type());
    };
  }
}
