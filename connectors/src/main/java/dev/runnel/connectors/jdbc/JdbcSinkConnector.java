package dev.runnel.connectors.jdbc;

import dev.runnel.connectors.ConfigChecks;
import dev.runnel.connectors.ConnectorVersion;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Writes records into database tables (insert or upsert), one transaction per put(). Tasks all
 * get the same config: the runtime spreads the topic partitions over them.
 */
public class JdbcSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return ConnectorVersion.get();
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    return ConfigChecks.validate(JdbcSinkConfig.DEFINITION, connectorConfigs, JdbcSinkConfig::problems);
  }

  @Override
  public void start(Map<String, String> props) {
    new JdbcSinkConfig(props);
    ConfigChecks.throwFirst(JdbcSinkConfig.problems(props));
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return JdbcSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return Collections.nCopies(maxTasks, props);
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return JdbcSinkConfig.DEFINITION;
  }
}
