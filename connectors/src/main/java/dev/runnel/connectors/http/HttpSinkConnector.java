package dev.runnel.connectors.http;

import dev.runnel.connectors.ConfigChecks;
import dev.runnel.connectors.ConnectorVersion;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/** POSTs record values to an HTTP endpoint as batched JSON arrays, with retries. */
public class HttpSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return ConnectorVersion.get();
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    return ConfigChecks.validate(HttpSinkConfig.DEFINITION, connectorConfigs, HttpSinkConfig::problems);
  }

  @Override
  public void start(Map<String, String> props) {
    new HttpSinkConfig(props);
    ConfigChecks.throwFirst(HttpSinkConfig.problems(props));
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return HttpSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return Collections.nCopies(maxTasks, props);
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return HttpSinkConfig.DEFINITION;
  }
}
