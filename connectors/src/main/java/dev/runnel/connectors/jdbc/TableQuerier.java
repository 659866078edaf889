package dev.runnel.connectors.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * One source partition (a table or the custom query): its offset, when it is next due, and the
 * query that reads the page after the offset. Owned by the task's poll thread.
 */
final class TableQuerier {
  private final String name;
  private final Map<String, String> sourcePartition;
  private final String topic;
  private final QueryMode mode;
  private final IncrementalQuery query;
  private final JdbcDialect dialect;
  private final String incrementingColumn;
  private final String timestampColumn;
  private SourceOffset offset;
  private long nextDueMs;

  TableQuerier(String name, Map<String, String> sourcePartition, String topic, QueryMode mode,
      IncrementalQuery query, JdbcDialect dialect, String incrementingColumn, String timestampColumn,
      SourceOffset offset) {
    this.name = name;
    this.sourcePartition = sourcePartition;
    this.topic = topic;
    this.mode = mode;
    this.query = query;
    this.dialect = dialect;
    this.incrementingColumn = incrementingColumn;
    this.timestampColumn = timestampColumn;
    this.offset = offset;
  }

  String name() {
    return name;
  }

  long nextDueMs() {
    return nextDueMs;
  }

  void nextDueMs(long nextDueMs) {
    this.nextDueMs = nextDueMs;
  }

  SourceOffset offset() {
    return offset;
  }

  /** A row read, with the offset that resumes right after it. */
  record Row(Struct value, SourceOffset offset) {}

  /**
   * Reads up to {@code maxRows} rows after the offset and advances it past them (the records
   * carry the same offsets, so the runtime commits them as they are delivered).
   */
  List<SourceRecord> poll(Connection connection, int maxRows, Timestamp upperBound) throws SQLException {
    List<Row> rows;
    try (PreparedStatement statement = connection.prepareStatement(query.sql(offset != null))) {
      statement.setMaxRows(maxRows);
      statement.setFetchSize(maxRows);
      query.bind(statement, offset, upperBound);
      rows = read(statement);
    }
    if (mode == QueryMode.TIMESTAMP && rows.size() >= maxRows) {
      rows = completeTimestampPage(connection, rows);
    }
    List<SourceRecord> records = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Long recordTimestampMs = row.offset.timestamp() == null ? null : row.offset.timestamp().getTime();
      records.add(new SourceRecord(sourcePartition, row.offset.toMap(), topic, null, null, null,
          row.value.schema(), row.value, recordTimestampMs));
      offset = row.offset;
    }
    return records;
  }

  /**
   * A full page in timestamp-only mode may end in the middle of the rows sharing its last
   * timestamp, and the next page starts after that timestamp: drop those trailing rows (the next
   * page starts with them), or, when the page holds nothing else, read all rows of that timestamp.
   */
  private List<Row> completeTimestampPage(Connection connection, List<Row> page) throws SQLException {
    int keep = trimmedLength(page);
    if (keep > 0) {
      return page.subList(0, keep);
    }
    try (PreparedStatement statement = connection.prepareStatement(query.sqlForTimestamp())) {
      statement.setTimestamp(1, page.get(0).offset.timestamp(), RowConverter.utc());
      return read(statement);
    }
  }

  /** How many rows of a full page come before the rows sharing the page's last timestamp. */
  static int trimmedLength(List<Row> page) {
    Timestamp last = page.get(page.size() - 1).offset.timestamp();
    int keep = page.size();
    while (keep > 0 && page.get(keep - 1).offset.timestamp().equals(last)) {
      keep--;
    }
    return keep;
  }

  private List<Row> read(PreparedStatement statement) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (ResultSet result = statement.executeQuery()) {
      RowConverter converter = RowConverter.forMetadata(name, result.getMetaData(), dialect);
      int incrementingIndex = mode.usesIncrementing() ? columnIndex(result, incrementingColumn) : 0;
      int timestampIndex = mode.usesTimestamp() ? columnIndex(result, timestampColumn) : 0;
      while (result.next()) {
        Long incrementing = null;
        Timestamp timestamp = null;
        if (incrementingIndex > 0) {
          incrementing = result.getLong(incrementingIndex);
          if (result.wasNull()) {
            throw new DataException("incrementing column " + incrementingColumn + " is NULL in a row of " + name);
          }
        }
        if (timestampIndex > 0) {
          timestamp = result.getTimestamp(timestampIndex, RowConverter.utc());
        }
        rows.add(new Row(converter.convert(result), new SourceOffset(incrementing, timestamp)));
      }
    }
    return rows;
  }

  private int columnIndex(ResultSet result, String column) throws SQLException {
    for (int index = 1; index <= result.getMetaData().getColumnCount(); index++) {
      if (result.getMetaData().getColumnLabel(index).equalsIgnoreCase(column)) {
        return index;
      }
    }
    throw new DataException(name + " has no column " + column);
  }
}
