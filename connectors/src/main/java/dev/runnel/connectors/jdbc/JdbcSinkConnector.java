package dev.runnel.connectors.jdbc;

import dev.runnel.connectors.CheckedSinkConnector;

/**
 * Writes records into database tables (insert or upsert), one transaction per put(). Tasks all
 * get the same config: the runtime spreads the topic partitions over them.
 */
public class JdbcSinkConnector extends CheckedSinkConnector {
  public JdbcSinkConnector() {
    super(JdbcSinkConfig.DEFINITION, JdbcSinkConfig::problems, JdbcSinkTask.class);
  }
}
