package dev.runnel.connectors.jdbc;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/** Binds Connect values to statement parameters by their schema; dates and times in UTC. */
final class SqlValues {
  private SqlValues() {}

  static void bind(PreparedStatement statement, int index, Schema schema, Object value) throws SQLException {
    if (value == null) {
      statement.setNull(index, JdbcDialect.nullType(schema));
      return;
    }
    if (schema == null) {
      throw new IllegalStateException("a non-null value without a schema at parameter " + index);
    }
    if (schema.name() != null) {
      switch (schema.name()) {
        case Decimal.LOGICAL_NAME -> {
          statement.setBigDecimal(index, (BigDecimal) value);
          return;
        }
        case Date.LOGICAL_NAME -> {
          statement.setDate(index, new java.sql.Date(((java.util.Date) value).getTime()), RowConverter.utc());
          return;
        }
        case Time.LOGICAL_NAME -> {
          statement.setTime(index, new java.sql.Time(((java.util.Date) value).getTime()), RowConverter.utc());
          return;
        }
        case Timestamp.LOGICAL_NAME -> {
          statement.setTimestamp(index, new java.sql.Timestamp(((java.util.Date) value).getTime()), RowConverter.utc());
          return;
        }
        default -> { }
      }
    }
    switch (schema.type()) {
      case INT8 -> statement.setByte(index, (Byte) value);
      case INT16 -> statement.setShort(index, (Short) value);
      case INT32 -> statement.setInt(index, (Integer) value);
      case INT64 -> statement.setLong(index, (Long) value);
      case FLOAT32 -> statement.setFloat(index, (Float) value);
      case FLOAT64 -> statement.setDouble(index, (Double) value);
      case BOOLEAN -> statement.setBoolean(index, (Boolean) value);
      case STRING -> statement.setString(index, (String) value);
      case BYTES -> statement.setBytes(index, value instanceof ByteBuffer buffer ? bytes(buffer) : (byte[]) value);
      default -> throw new IllegalStateException("no column for a " + schema.type() + " (RecordRows lets none through)");
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
