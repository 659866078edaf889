package dev.runnel.connectors.jdbc;

import dev.runnel.connectors.ConfigChecks;
import dev.runnel.connectors.ConnectorVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each put() in one transaction before returning, so flush() has nothing left to do and
 * the offsets the runtime commits after it are only ever for rows already committed
 * (at-least-once; with upsert, redelivered records overwrite their own rows).
 */
public class JdbcSinkTask extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(JdbcSinkTask.class);

  private JdbcSinkConfig config;
  private RecordRows recordRows;
  private JdbcWriter writer;
  private ErrantRecordReporter errantRecords;
  private Connection connection;
  private long tombstonesSkipped;

  @Override
  public String version() {
    return ConnectorVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new JdbcSinkConfig(props);
    ConfigChecks.throwFirst(JdbcSinkConfig.problems(props));
    JdbcDialect dialect = JdbcDialect.forUrl(config.url());
    recordRows = new RecordRows(config.tableNameFormat(), config.pkMode(), config.pkFields());
    writer = new JdbcWriter(dialect, new TableCatalog(dialect, config.autoCreate(), config.autoEvolve()),
        config.upsert(), config.batchMaxRows());
    errantRecords = errantRecordReporter();
  }

  private ErrantRecordReporter errantRecordReporter() {
    try {
      return context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      // A runtime older than Kafka 2.6 has no reporter: bad records then fail the task.
      return null;
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    List<SinkRow> rows = new ArrayList<>(records.size());
    for (SinkRecord record : records) {
      if (record.value() == null) {
        // A tombstone deletes in Kafka's compacted topics; this sink does not delete rows.
        if (tombstonesSkipped++ % 1000 == 0) {
          log.warn("JDBC sink skips records with a null value (deletes are not supported); {} so far", tombstonesSkipped);
        }
        continue;
      }
      try {
        rows.add(recordRows.toRow(record));
      } catch (DataException e) {
        String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        if (errantRecords == null) {
          throw new DataException("record " + where + ": " + e.getMessage(), e);
        }
        errantRecords.report(record, e);
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    try {
      writer.write(connection(), rows);
    } catch (SQLException e) {
      closeConnection();
      throw SqlErrors.wrap("writing " + rows.size() + " rows to " + config.url(), e);
    } catch (ConnectException e) {
      closeConnection();
      throw e;
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = JdbcConnections.open(config.url(), config.user(), config.password());
    }
    return connection;
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.warn("closing the connection to {}: {}", config.url(), e.getMessage());
      }
      connection = null;
    }
  }

  @Override
  public void stop() {
    closeConnection();
  }
}
