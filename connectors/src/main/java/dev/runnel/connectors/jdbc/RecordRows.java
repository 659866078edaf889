package dev.runnel.connectors.jdbc;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a sink record into a row. Values are Structs (with a schema) or Maps with String keys
 * (schemaless JSON); nested structs, maps and arrays have no column to go to and are refused with
 * the field's name (the Flatten transform makes them top-level fields). Pure: no JDBC.
 */
final class RecordRows {
  /** The column of a primitive record key when pk.fields names none. */
  static final String DEFAULT_KEY_COLUMN = "__connect_key";

  private final String tableNameFormat;
  private final PrimaryKeyMode keyMode;
  private final List<String> keyFields;

  RecordRows(String tableNameFormat, PrimaryKeyMode keyMode, List<String> keyFields) {
    this.tableNameFormat = tableNameFormat;
    this.keyMode = keyMode;
    this.keyFields = keyFields;
  }

  TableId table(String topic) {
    return TableId.parse(tableNameFormat.replace("${topic}", topic));
  }

  /** The row, or a DataException saying what about this record cannot be written. */
  SinkRow toRow(SinkRecord record) {
    if (record.value() == null) {
      throw new IllegalStateException("tombstones are handled before conversion");
    }
    Map<String, Column> valueColumns = columnsOf("value", record.valueSchema(), record.value());
    Map<String, Column> columns = new LinkedHashMap<>();
    List<String> keyColumns = new ArrayList<>();
    switch (keyMode) {
      case NONE -> { }
      case RECORD_KEY -> {
        for (Map.Entry<String, Column> key : keyColumns(record).entrySet()) {
          columns.put(key.getKey(), key.getValue());
          keyColumns.add(key.getKey());
        }
      }
      case RECORD_VALUE -> {
        for (String field : keyFields) {
          if (!valueColumns.containsKey(field)) {
            throw new DataException("pk.fields names " + field + ", which the record value does not have");
          }
          keyColumns.add(field);
        }
      }
      default -> throw new IllegalStateException("pk.mode " + keyMode);
    }
    // A value field named like a key column is the same column: the key's value wins.
    valueColumns.forEach(columns::putIfAbsent);
    List<String> names = new ArrayList<>(columns.keySet());
    List<Schema> schemas = new ArrayList<>(names.size());
    List<Object> values = new ArrayList<>(names.size());
    for (Column column : columns.values()) {
      schemas.add(column.schema);
      values.add(column.value);
    }
    return new SinkRow(table(record.topic()), names, schemas, values, keyColumns);
  }

  private Map<String, Column> keyColumns(SinkRecord record) {
    Object key = record.key();
    if (key == null) {
      throw new DataException("pk.mode=record_key but the record has no key");
    }
    boolean primitive = record.keySchema() != null
        ? record.keySchema().type().isPrimitive()
        : !(key instanceof Map || key instanceof Struct);
    if (primitive) {
      if (keyFields.size() > 1) {
        throw new DataException("the record key is a single value but pk.fields names " + keyFields.size() + " columns");
      }
      String name = keyFields.isEmpty() ? DEFAULT_KEY_COLUMN : keyFields.get(0);
      Schema schema = record.keySchema() != null ? record.keySchema() : inferSchema(name, key);
      return Map.of(name, new Column(schema, key));
    }
    Map<String, Column> all = columnsOf("key", record.keySchema(), key);
    if (keyFields.isEmpty()) {
      return all;
    }
    Map<String, Column> chosen = new LinkedHashMap<>();
    for (String field : keyFields) {
      Column column = all.get(field);
      if (column == null) {
        throw new DataException("pk.fields names " + field + ", which the record key does not have");
      }
      chosen.put(field, column);
    }
    return chosen;
  }

  private record Column(Schema schema, Object value) {}

  private static Map<String, Column> columnsOf(String part, Schema schema, Object data) {
    Map<String, Column> columns = new LinkedHashMap<>();
    if (data instanceof Struct struct) {
      for (Field field : struct.schema().fields()) {
        if (!field.schema().type().isPrimitive()) {
          throw new DataException(part + " field " + field.name() + " is a " + field.schema().type()
              + "; only flat records map to columns (use the Flatten transform)");
        }
        columns.put(field.name(), new Column(field.schema(), struct.get(field)));
      }
    } else if (data instanceof Map<?, ?> map) {
      // Sorted: maps iterate in no fixed order, and records with the same fields should share
      // one column order, hence one prepared statement.
      Map<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String name)) {
          throw new DataException(part + " map key " + entry.getKey() + " is not a string");
        }
        sorted.put(name, entry.getValue());
      }
      sorted.forEach((name, value) -> columns.put(name, new Column(inferSchema(name, value), value)));
    } else {
      String type = schema != null ? schema.type().toString() : data.getClass().getSimpleName();
      throw new DataException("the record " + part + " is a " + type + "; the JDBC sink needs a struct or a map");
    }
    return columns;
  }

  /** The schema of a schemaless value, from its Java class; null for null (type unknown). */
  static Schema inferSchema(String name, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Byte) {
      return Schema.OPTIONAL_INT8_SCHEMA;
    } else if (value instanceof Short) {
      return Schema.OPTIONAL_INT16_SCHEMA;
    } else if (value instanceof Integer) {
      return Schema.OPTIONAL_INT32_SCHEMA;
    } else if (value instanceof Long) {
      return Schema.OPTIONAL_INT64_SCHEMA;
    } else if (value instanceof Float) {
      return Schema.OPTIONAL_FLOAT32_SCHEMA;
    } else if (value instanceof Double) {
      return Schema.OPTIONAL_FLOAT64_SCHEMA;
    } else if (value instanceof Boolean) {
      return Schema.OPTIONAL_BOOLEAN_SCHEMA;
    } else if (value instanceof String) {
      return Schema.OPTIONAL_STRING_SCHEMA;
    } else if (value instanceof byte[] || value instanceof ByteBuffer) {
      return Schema.OPTIONAL_BYTES_SCHEMA;
    } else if (value instanceof BigDecimal decimal) {
      return Decimal.builder(Math.max(0, decimal.scale())).optional().build();
    } else if (value instanceof java.util.Date) {
      return Timestamp.builder().optional().build();
    }
    throw new DataException("field " + name + " holds a " + value.getClass().getSimpleName()
        + "; only flat records map to columns (use the Flatten transform)");
  }
}
