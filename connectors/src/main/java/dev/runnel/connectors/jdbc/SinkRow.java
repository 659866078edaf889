package dev.runnel.connectors.jdbc;

import java.util.List;
import org.apache.kafka.connect.data.Schema;

/**
 * One record as a row: its table, columns (key columns first) with the Connect schema of each
 * value (null for a null value in a schemaless record: its type is unknown), and the values.
 */
record SinkRow(TableId table, List<String> columns, List<Schema> schemas, List<Object> values, List<String> keyColumns) {
  /** Rows of one shape share one prepared statement. */
  record Shape(TableId table, List<String> columns, List<String> keyColumns) {}

  Shape shape() {
    return new Shape(table, columns, keyColumns);
  }
}
