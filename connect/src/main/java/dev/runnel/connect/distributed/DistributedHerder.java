package dev.runnel.connect.distributed;

import dev.runnel.connect.herder.ConfigValidation;
import dev.runnel.connect.herder.ConfigValidator;
import dev.runnel.connect.herder.ConnectorInfo;
import dev.runnel.connect.herder.ConnectorOffsets;
import dev.runnel.connect.herder.ConnectorStatus;
import dev.runnel.connect.herder.Herder;
import dev.runnel.connect.herder.HerderException;
import dev.runnel.connect.herder.TaskInfo;
import dev.runnel.connect.plugins.PluginDesc;
import dev.runnel.connect.plugins.PluginType;
import dev.runnel.connect.runtime.ConnectorConfig;
import dev.runnel.connect.runtime.State;
import dev.runnel.connect.runtime.StatusSnapshot;
import dev.runnel.connect.runtime.TargetState;
import dev.runnel.connect.runtime.TaskId;
import dev.runnel.connect.runtime.Worker;
import dev.runnel.sdk.GroupConsumer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * Distributed mode, the REST side: requests are answered from the internal topics and turned into
 * records in the configs topic, which every worker reads; the {@link Reconciler} of each worker
 * then runs the connectors and tasks whose offsets-topic partition it owns.
 */
public final class DistributedHerder implements Herder {
  private static final long READ_TIMEOUT_MS = 15_000;

  private final Worker worker;
  private final ConfigLog configLog;
  private final StatusLog statusLog;
  private final TopicTail configTail;
  private final TopicOffsetStore offsetStore;
  private final ConfigValidator validator;
  private final Reconciler reconciler;

  DistributedHerder(Worker worker, ConfigLog configLog, StatusLog statusLog, TopicTail configTail,
      TopicOffsetStore offsetStore, GroupConsumer membership, String offsetsTopic, int partitions) {
    this.worker = worker;
    this.configLog = configLog;
    this.statusLog = statusLog;
    this.configTail = configTail;
    this.offsetStore = offsetStore;
    this.validator = new ConfigValidator(worker.plugins(), worker.config());
    this.reconciler = new Reconciler(worker, configLog, offsetStore, membership, offsetsTopic, partitions);
  }

  void start() {
    readToEnd();
    reconciler.start();
  }

  /** Wakes the reconciler (the configs topic changed). */
  void configChanged() {
    if (reconciler != null) {
      reconciler.wakeup();
    }
  }

  private ClusterConfig readToEnd() {
    try {
      configTail.awaitCaughtUp(null, READ_TIMEOUT_MS);
    } catch (TimeoutException e) {
      throw new HerderException(500, "the configs topic could not be read: " + e.getMessage());
    }
    return configLog.snapshot();
  }

  private ClusterConfig.Connector connector(String name) {
    ClusterConfig.Connector connector = readToEnd().connectors().get(name);
    if (connector == null) {
      throw HerderException.notFound(name);
    }
    return connector;
  }

  @Override
  public List<String> connectors() {
    return List.copyOf(readToEnd().connectors().keySet());
  }

  @Override
  public ConnectorInfo connectorInfo(String name) {
    return info(name, connector(name));
  }

  private ConnectorInfo info(String name, ClusterConfig.Connector connector) {
    List<TaskId> ids = new ArrayList<>();
    for (int i = 0; i < visibleTasks(connector).size(); i++) {
      ids.add(new TaskId(name, i));
    }
    return new ConnectorInfo(name, connector.config(), ids, type(connector.config()));
  }

  private static List<Map<String, String>> visibleTasks(ClusterConfig.Connector connector) {
    return connector.target() == TargetState.STOPPED || !connector.tasksCurrent() ? List.of() : connector.taskConfigs();
  }

  private String type(Map<String, String> config) {
    try {
      return worker.plugins().find(config.get(ConnectorConfig.CONNECTOR_CLASS), PluginType.SOURCE, PluginType.SINK)
          .type().restName();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  @Override
  public Map<String, String> connectorConfig(String name) {
    return connector(name).config();
  }

  @Override
  public Put putConnectorConfig(String name, Map<String, String> config, boolean allowReplace, String initialState) {
    Map<String, String> full = new LinkedHashMap<>(config);
    String declared = full.putIfAbsent(ConnectorConfig.NAME, name);
    if (declared != null && !declared.equals(name)) {
      throw HerderException.badRequest("Connector name configuration (" + declared
          + ") doesn't match connector name in the URL (" + name + ")");
    }
    ConfigValidation validation = validator.validate(full);
    if (validation.errorCount() > 0) {
      throw HerderException.badRequest("Connector configuration is invalid and contains the following "
          + validation.errorCount() + " error(s):\n" + String.join("\n", validation.errors()));
    }
    boolean exists = readToEnd().connectors().containsKey(name);
    if (exists && !allowReplace) {
      throw HerderException.conflict("Connector " + name + " already exists");
    }
    if (!exists && initialState != null) {
      configLog.putTargetState(name, TargetState.valueOf(initialState.toUpperCase(Locale.ROOT)));
    }
    configLog.putConnectorConfig(name, full);
    return new Put(!exists, info(name, connector(name)));
  }

  @Override
  public void deleteConnector(String name) {
    connector(name);
    configLog.deleteConnector(name);
    readToEnd();
  }

  @Override
  public ConnectorStatus connectorStatus(String name) {
    ClusterConfig.Connector connector = connector(name);
    StatusSnapshot connectorStatus = statusLog.status(name, -1);
    if (connectorStatus == null) {
      connectorStatus = new StatusSnapshot(State.UNASSIGNED, "", null, 0);
    }
    Map<Integer, StatusSnapshot> tasks = new TreeMap<>();
    for (int i = 0; i < visibleTasks(connector).size(); i++) {
      StatusSnapshot task = statusLog.status(name, i);
      tasks.put(i, task != null ? task : new StatusSnapshot(State.UNASSIGNED, "", null, 0));
    }
    return new ConnectorStatus(name, connectorStatus, tasks, type(connector.config()));
  }

  @Override
  public List<TaskInfo> taskConfigs(String name) {
    List<Map<String, String>> tasks = visibleTasks(connector(name));
    List<TaskInfo> out = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      out.add(new TaskInfo(new TaskId(name, i), tasks.get(i)));
    }
    return out;
  }

  @Override
  public void restartConnector(String name, boolean includeTasks, boolean onlyFailed) {
    connector(name);
    configLog.requestRestart(name, -1, includeTasks, onlyFailed);
  }

  @Override
  public void restartTask(TaskId id) {
    ClusterConfig.Connector connector = connector(id.connector());
    if (id.task() < 0 || id.task() >= visibleTasks(connector).size()) {
      throw new HerderException(404, "Task " + id + " not found");
    }
    configLog.requestRestart(id.connector(), id.task(), false, false);
  }

  @Override
  public void pauseConnector(String name) {
    if (connector(name).target() != TargetState.STOPPED) {
      configLog.putTargetState(name, TargetState.PAUSED);
    }
  }

  @Override
  public void resumeConnector(String name) {
    connector(name);
    configLog.putTargetState(name, TargetState.STARTED);
  }

  @Override
  public void stopConnector(String name) {
    connector(name);
    configLog.putTargetState(name, TargetState.STOPPED);
  }

  @Override
  public List<Map<String, Object>> offsets(String name) {
    ClusterConfig.Connector connector = connector(name);
    boolean sink = "sink".equals(type(connector.config()));
    if (!sink) {
      try {
        offsetStore.awaitCaughtUp(null, READ_TIMEOUT_MS);
      } catch (TimeoutException e) {
        throw new HerderException(500, "the offsets topic could not be read: " + e.getMessage());
      }
    }
    return new ConnectorOffsets(worker).offsets(name, sink);
  }

  @Override
  public ConfigValidation validate(Map<String, String> config) {
    return validator.validate(config);
  }

  @Override
  public List<PluginDesc> connectorPlugins() {
    return worker.plugins().plugins(PluginType.SOURCE, PluginType.SINK);
  }

  @Override
  public String workerId() {
    return worker.workerId();
  }

  @Override
  public void close() {
    reconciler.close();
  }
}
