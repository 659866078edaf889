package dev.runnel.connectors.jdbc;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Any other JDBC database: standard SQL types and plain INSERT. Upsert syntax is not standard
 * across databases, so it is refused at start-up rather than guessed.
 */
final class GenericDialect implements JdbcDialect {
  @Override
  public String name() {
    return "generic";
  }

  @Override
  public boolean supportsUpsert() {
    return false;
  }

  @Override
  public String columnType(Schema schema) {
    if (schema.name() != null) {
      switch (schema.name()) {
        case Decimal.LOGICAL_NAME:
          return "DECIMAL(38," + schema.parameters().get(Decimal.SCALE_FIELD) + ")";
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
      case STRING -> "VARCHAR(4000)";
      case BYTES -> "VARBINARY(4000)";
      default -> throw new IllegalArgumentException("no SQL column type for " + schema.type());
    };
  }
}
