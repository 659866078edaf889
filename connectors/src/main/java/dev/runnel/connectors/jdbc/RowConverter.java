package dev.runnel.connectors.jdbc;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Turns result-set rows into Connect Structs whose schema comes from the JDBC metadata: one
 * optional field per nullable column, logical types for DECIMAL/DATE/TIME/TIMESTAMP. Date and
 * time values are read in UTC. Types with no Connect counterpart (arrays, json, uuid, ...) are
 * read as their string form rather than dropped.
 */
final class RowConverter {
  static final long MS_PER_DAY = 86_400_000L;

  private final Schema schema;
  private final List<ColumnReader> readers;

  private RowConverter(Schema schema, List<ColumnReader> readers) {
    this.schema = schema;
    this.readers = readers;
  }

  @FunctionalInterface
  interface ColumnReader {
    Object read(ResultSet row, int column) throws SQLException;
  }

  static RowConverter forMetadata(String schemaName, ResultSetMetaData metadata, JdbcDialect dialect)
      throws SQLException {
    SchemaBuilder struct = SchemaBuilder.struct().name(schemaName);
    List<ColumnReader> readers = new ArrayList<>();
    for (int column = 1; column <= metadata.getColumnCount(); column++) {
      String name = metadata.getColumnLabel(column);
      int precision = metadata.getPrecision(column);
      int scale = metadata.getScale(column);
      int type = dialect.sourceJdbcType(
          metadata.getColumnType(column), metadata.getColumnTypeName(column), precision, scale);
      boolean optional = metadata.isNullable(column) != ResultSetMetaData.columnNoNulls;
      Column mapped = map(type, precision, scale);
      if (struct.field(name) != null) {
        throw new DataException("the query returns two columns named " + name + "; give one an alias");
      }
      struct.field(name, optional ? mapped.schema.optional().build() : mapped.schema.build());
      readers.add(mapped.reader);
    }
    return new RowConverter(struct.build(), readers);
  }

  Schema schema() {
    return schema;
  }

  Struct convert(ResultSet row) throws SQLException {
    Struct struct = new Struct(schema);
    List<org.apache.kafka.connect.data.Field> fields = schema.fields();
    for (int i = 0; i < readers.size(); i++) {
      Object value = readers.get(i).read(row, i + 1);
      if (row.wasNull()) {
        value = null;
      }
      struct.put(fields.get(i), value);
    }
    return struct;
  }

  private record Column(SchemaBuilder schema, ColumnReader reader) {}

  private static Column map(int jdbcType, int precision, int scale) {
    return switch (jdbcType) {
      case Types.BIT, Types.BOOLEAN -> new Column(SchemaBuilder.bool(), ResultSet::getBoolean);
      case Types.TINYINT -> new Column(SchemaBuilder.int8(), ResultSet::getByte);
      case Types.SMALLINT -> new Column(SchemaBuilder.int16(), ResultSet::getShort);
      case Types.INTEGER -> new Column(SchemaBuilder.int32(), ResultSet::getInt);
      case Types.BIGINT -> new Column(SchemaBuilder.int64(), ResultSet::getLong);
      case Types.REAL -> new Column(SchemaBuilder.float32(), ResultSet::getFloat);
      case Types.FLOAT, Types.DOUBLE -> new Column(SchemaBuilder.float64(), ResultSet::getDouble);
      case Types.NUMERIC, Types.DECIMAL -> decimal(precision, scale);
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB ->
          new Column(SchemaBuilder.bytes(), ResultSet::getBytes);
      case Types.DATE -> new Column(Date.builder(), RowConverter::readDate);
      case Types.TIME, Types.TIME_WITH_TIMEZONE -> new Column(Time.builder(), RowConverter::readTime);
      case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE ->
          new Column(Timestamp.builder(), RowConverter::readTimestamp);
      default -> new Column(SchemaBuilder.string(), ResultSet::getString);
    };
  }

  private static Column decimal(int precision, int scale) {
    if (precision <= 0) {
      // No declared precision and scale (PostgreSQL's plain NUMERIC): values carry any scale,
      // and a Connect Decimal has one fixed scale, so keep the exact digits as a string.
      return new Column(SchemaBuilder.string(), (row, column) -> {
        BigDecimal value = row.getBigDecimal(column);
        return value == null ? null : value.toPlainString();
      });
    }
    return new Column(Decimal.builder(scale), (row, column) -> {
      BigDecimal value = row.getBigDecimal(column);
      if (value == null) {
        return null;
      }
      try {
        return value.setScale(scale, RoundingMode.UNNECESSARY);
      } catch (ArithmeticException e) {
        throw new DataException("value " + value + " of column " + row.getMetaData().getColumnLabel(column)
            + " has more than the declared " + scale + " decimal places");
      }
    });
  }

  static Calendar utc() {
    return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
  }

  private static Object readDate(ResultSet row, int column) throws SQLException {
    java.sql.Date date = row.getDate(column, utc());
    // Connect's Date is midnight UTC of the day.
    return date == null ? null : new java.util.Date(Math.floorDiv(date.getTime(), MS_PER_DAY) * MS_PER_DAY);
  }

  private static Object readTime(ResultSet row, int column) throws SQLException {
    java.sql.Time time = row.getTime(column, utc());
    // Connect's Time is the milliseconds since midnight, as a Date on 1970-01-01.
    return time == null ? null : new java.util.Date(Math.floorMod(time.getTime(), MS_PER_DAY));
  }

  private static Object readTimestamp(ResultSet row, int column) throws SQLException {
    java.sql.Timestamp timestamp = row.getTimestamp(column, utc());
    return timestamp == null ? null : new java.util.Date(timestamp.getTime());
  }
}
