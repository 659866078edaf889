package dev.runnel.connectors;

import dev.runnel.connectors.ConfigChecks.Problem;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * A sink connector whose tasks all run with the connector's own config: validated field by field
 * by its ConfigDef and across fields by its rules ({@link ConfigChecks}), at validate and at start.
 */
public abstract class CheckedSinkConnector extends SinkConnector {
  private final ConfigDef definition;
  private final Function<Map<String, String>, List<Problem>> rules;
  private final Class<? extends Task> taskClass;
  private Map<String, String> props;

  protected CheckedSinkConnector(
      ConfigDef definition, Function<Map<String, String>, List<Problem>> rules, Class<? extends Task> taskClass) {
    this.definition = definition;
    this.rules = rules;
    this.taskClass = taskClass;
  }

  @Override
  public String version() {
    return ConnectorVersion.get();
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    return ConfigChecks.validate(definition, connectorConfigs, rules);
  }

  @Override
  public void start(Map<String, String> props) {
    definition.parse(props); // throws a ConfigException naming the first bad field
    ConfigChecks.throwFirst(rules.apply(props));
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return taskClass;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return Collections.nCopies(maxTasks, props);
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return definition;
  }
}
