package dev.runnel.sql.server;

import dev.runnel.sql.PullQuery;
import dev.runnel.sql.SqlConfig;

/**
 * Settings of a SQL server: the engine's, where to listen, and the bounds of its REST side.
 * {@code listenPort} 0 picks a free port. {@code pullRecordsReadMax} bounds the records one pull
 * query reads (the table's topic, or the key's partition when WHERE pins the key).
 */
public record SqlServerConfig(
    SqlConfig engine,
    String listenHost,
    int listenPort,
    int pushQueriesMax,
    int pushRowsBufferedMax,
    int commandTimeoutMs,
    int replayTimeoutMs,
    int pullRecordsReadMax) {

  public static SqlServerConfig defaults(SqlConfig engine, String listenHost, int listenPort) {
    return new SqlServerConfig(
        engine, listenHost, listenPort, 64, 1_000, 60_000, 300_000, PullQuery.RECORDS_READ_MAX_DEFAULT);
  }

  public SqlServerConfig validate() {
    engine.validate();
    if (listenHost == null || listenHost.isBlank()) {
      throw new IllegalArgumentException("listen host must be set");
    }
    if (listenPort < 0 || listenPort > 65_535) {
      throw new IllegalArgumentException("listen port must be in 0..65535, got " + listenPort);
    }
    if (pushQueriesMax < 1 || pushQueriesMax > 10_000) {
      throw new IllegalArgumentException("pushQueriesMax must be in 1..10000, got " + pushQueriesMax);
    }
    if (pushRowsBufferedMax < 1 || pushRowsBufferedMax > 1_000_000) {
      throw new IllegalArgumentException("pushRowsBufferedMax must be in 1..1000000, got " + pushRowsBufferedMax);
    }
    if (commandTimeoutMs < 1_000 || replayTimeoutMs < 1_000) {
      throw new IllegalArgumentException("commandTimeoutMs and replayTimeoutMs must be at least 1000");
    }
    if (pullRecordsReadMax < 1) {
      throw new IllegalArgumentException("pullRecordsReadMax must be at least 1, got " + pullRecordsReadMax);
    }
    return this;
  }

  public SqlServerConfig withPullRecordsReadMax(int recordsMax) {
    return new SqlServerConfig(engine, listenHost, listenPort, pushQueriesMax, pushRowsBufferedMax, commandTimeoutMs,
        replayTimeoutMs, recordsMax);
  }
}
