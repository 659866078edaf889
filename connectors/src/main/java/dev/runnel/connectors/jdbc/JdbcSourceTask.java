package dev.runnel.connectors.jdbc;

import dev.runnel.connectors.ConfigChecks;
import dev.runnel.connectors.ConnectorVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads its tables in turn: each poll() waits until the table due first is due, reads one page
 * after its offset and returns those rows. A table whose page came back full is due again at
 * once; otherwise after poll.interval.ms. The offsets the runtime stored are where it resumes.
 */
public class JdbcSourceTask extends SourceTask {
  private static final Logger log = LoggerFactory.getLogger(JdbcSourceTask.class);

  private final CountDownLatch stopped = new CountDownLatch(1);
  /** Guards the connection between poll() and stop(), which the runtime calls on another thread. */
  private final Object connectionLock = new Object();
  private JdbcSourceConfig config;
  private List<TableQuerier> queriers;
  private Connection connection;

  @Override
  public String version() {
    return ConnectorVersion.get();
  }

  static Map<String, String> tablePartition(String table) {
    return Map.of("table", table);
  }

  static Map<String, String> queryPartition(String query) {
    return Map.of("query", query);
  }

  @Override
  public void start(Map<String, String> props) {
    config = new JdbcSourceConfig(props);
    ConfigChecks.throwFirst(JdbcSourceConfig.problems(props));
    JdbcDialect dialect = JdbcDialect.forUrl(config.url());
    QueryMode mode = config.mode();
    List<String> tables = config.taskTables().isEmpty() ? config.tables() : config.taskTables();
    List<Map<String, String>> partitions = new ArrayList<>();
    if (tables.isEmpty()) {
      partitions.add(queryPartition(config.query()));
    } else {
      tables.forEach(table -> partitions.add(tablePartition(table)));
    }
    Map<Map<String, String>, Map<String, Object>> stored = context.offsetStorageReader().offsets(partitions);
    queriers = new ArrayList<>();
    for (Map<String, String> partition : partitions) {
      SourceOffset offset = SourceOffset.fromMap(stored == null ? null : stored.get(partition), mode);
      String table = partition.get("table");
      IncrementalQuery query = table == null
          ? IncrementalQuery.forQuery(dialect, config.query(), mode, config.incrementingColumn(), config.timestampColumn())
          : IncrementalQuery.forTable(dialect, TableId.parse(table), mode, config.incrementingColumn(),
              config.timestampColumn());
      String topic = table == null ? config.topicPrefix() : config.topicPrefix() + table;
      String name = table == null ? "query" : table;
      queriers.add(new TableQuerier(name, partition, topic, mode, query, dialect, config.incrementingColumn(),
          config.timestampColumn(), offset));
      log.info("JDBC source {}: reading {} into topic {} from offset {}", mode.configValue, name, topic, offset);
    }
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    TableQuerier next = queriers.stream().min(Comparator.comparingLong(TableQuerier::nextDueMs)).orElseThrow();
    long waitMs = next.nextDueMs() - System.currentTimeMillis();
    if (waitMs > 0 && stopped.await(waitMs, TimeUnit.MILLISECONDS)) {
      return null;
    }
    List<SourceRecord> records;
    synchronized (connectionLock) {
      if (stopped.getCount() == 0) {
        return null;
      }
      try {
        Timestamp upperBound = new Timestamp(System.currentTimeMillis() - config.timestampDelayMs());
        records = next.poll(connection(), config.batchMaxRows(), upperBound);
      } catch (SQLException e) {
        // A fresh connection on the next poll, whatever broke this one.
        closeConnection();
        next.nextDueMs(System.currentTimeMillis() + config.pollIntervalMs());
        throw SqlErrors.wrap("reading " + next.name(), e);
      }
    }
    boolean more = records.size() >= config.batchMaxRows();
    next.nextDueMs(more ? System.currentTimeMillis() : System.currentTimeMillis() + config.pollIntervalMs());
    return records.isEmpty() ? null : records;
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
    stopped.countDown();
    synchronized (connectionLock) {
      closeConnection();
    }
  }
}
