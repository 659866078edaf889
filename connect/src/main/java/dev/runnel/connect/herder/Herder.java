package dev.runnel.connect.herder;

import dev.runnel.connect.plugins.PluginDesc;
import dev.runnel.connect.runtime.TaskId;
import java.util.List;
import java.util.Map;

/**
 * What the REST API asks of a worker: manage connectors and report on them. Standalone runs
 * everything here; distributed shares the work with the other workers of its group. Expected
 * failures are {@link HerderException}s.
 */
public interface Herder extends AutoCloseable {
  /** Created or replaced. */
  record Put(boolean created, ConnectorInfo info) {}

  List<String> connectors();

  ConnectorInfo connectorInfo(String name);

  Map<String, String> connectorConfig(String name);

  /** Creates ({@code allowReplace} false: 409 if it exists) or replaces a connector's config. */
  Put putConnectorConfig(String name, Map<String, String> config, boolean allowReplace, String initialState);

  void deleteConnector(String name);

  ConnectorStatus connectorStatus(String name);

  List<TaskInfo> taskConfigs(String name);

  void restartConnector(String name, boolean includeTasks, boolean onlyFailed);

  void restartTask(TaskId id);

  void pauseConnector(String name);

  void resumeConnector(String name);

  void stopConnector(String name);

  /** Source: partition -> offset; sink: {kafka_topic, kafka_partition} -> {kafka_offset}. */
  List<Map<String, Object>> offsets(String name);

  ConfigValidation validate(Map<String, String> config);

  List<PluginDesc> connectorPlugins();

  String workerId();

  @Override
  void close();
}
