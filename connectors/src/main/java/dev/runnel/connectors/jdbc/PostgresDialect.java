package dev.runnel.connectors.jdbc;

import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

final class PostgresDialect implements JdbcDialect {
  @Override
  public String name() {
    return "postgresql";
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
      case INT8, INT16 -> "SMALLINT";
      case INT32 -> "INTEGER";
      case INT64 -> "BIGINT";
      case FLOAT32 -> "REAL";
      case FLOAT64 -> "DOUBLE PRECISION";
      case BOOLEAN -> "BOOLEAN";
      case STRING -> "TEXT";
      case BYTES -> "BYTEA";
      default -> throw new IllegalArgumentException("no PostgreSQL column type for " + schema.type());
    };
  }
}
