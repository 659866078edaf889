package dev.runnel.connect.herder;

import dev.runnel.connect.plugins.PluginDesc;
import dev.runnel.connect.plugins.PluginType;
import dev.runnel.connect.runtime.ConnectorConfig;
import dev.runnel.connect.runtime.State;
import dev.runnel.connect.runtime.StatusSnapshot;
import dev.runnel.connect.runtime.TargetState;
import dev.runnel.connect.runtime.TaskId;
import dev.runnel.connect.runtime.Worker;
import dev.runnel.connect.runtime.WorkerConnector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standalone mode: every connector and task runs on this one worker, configs live in memory (the
 * command line's files, plus what the REST API adds), source offsets in a local file. Requests
 * are serialized by the herder's lock.
 */
public final class StandaloneHerder implements Herder, WorkerConnector.Callbacks {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneHerder.class);

  /** One connector as the herder knows it. */
  private static final class Entry {
    Map<String, String> config;
    TargetState target;
    WorkerConnector connector;
    List<Map<String, String>> taskConfigs = List.of();
  }

  private final Worker worker;
  private final ConfigValidator validator;
  private final Map<String, Entry> connectors = new TreeMap<>();
  private final ConnectorStatusReader statusReader;

  public StandaloneHerder(Worker worker) {
    this.worker = worker;
    this.validator = new ConfigValidator(worker.plugins(), worker.config());
    this.statusReader = new ConnectorStatusReader(worker);
  }

  @Override
  public synchronized List<String> connectors() {
    return List.copyOf(connectors.keySet());
  }

  @Override
  public synchronized ConnectorInfo connectorInfo(String name) {
    Entry entry = entry(name);
    return info(name, entry);
  }

  private ConnectorInfo info(String name, Entry entry) {
    List<TaskId> ids = new ArrayList<>();
    for (int i = 0; i < entry.taskConfigs.size(); i++) {
      ids.add(new TaskId(name, i));
    }
    return new ConnectorInfo(name, Map.copyOf(entry.config), ids, type(entry.config));
  }

  String type(Map<String, String> config) {
    try {
      PluginDesc desc = worker.plugins().find(config.get(ConnectorConfig.CONNECTOR_CLASS), PluginType.SOURCE, PluginType.SINK);
      return desc.type().restName();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  @Override
  public synchronized Map<String, String> connectorConfig(String name) {
    return Map.copyOf(entry(name).config);
  }

  @Override
  public synchronized Put putConnectorConfig(String name, Map<String, String> config, boolean allowReplace, String initialState) {
    Map<String, String> full = new LinkedHashMap<>(config);
    String declared = full.putIfAbsent(ConnectorConfig.NAME, name);
    if (declared != null && !declared.equals(name)) {
      throw HerderException.badRequest("Connector name configuration (" + declared + ") doesn't match connector name in the URL (" + name + ")");
    }
    ConfigValidation validation = validator.validate(full);
    if (validation.errorCount() > 0) {
      throw HerderException.badRequest("Connector configuration is invalid and contains the following "
          + validation.errorCount() + " error(s):\n" + String.join("\n", validation.errors()));
    }
    Entry existing = connectors.get(name);
    if (existing != null && !allowReplace) {
      throw HerderException.conflict("Connector " + name + " already exists");
    }
    boolean created = existing == null;
    Entry entry = existing == null ? new Entry() : existing;
    if (existing != null) {
      stopAll(name, entry, State.UNASSIGNED);
    } else {
      entry.target = initialState == null ? TargetState.STARTED : TargetState.valueOf(initialState.toUpperCase(java.util.Locale.ROOT));
    }
    entry.config = Map.copyOf(full);
    connectors.put(name, entry);
    startConnector(name, entry);
    return new Put(created, info(name, entry));
  }

  private void startConnector(String name, Entry entry) {
    entry.connector = worker.newConnector(name, entry.config, this);
    if (entry.target == TargetState.STOPPED) {
      entry.connector.status().state(State.STOPPED, "created stopped");
      entry.taskConfigs = List.of();
      return;
    }
    if (!entry.connector.start(entry.config, entry.target)) {
      entry.taskConfigs = List.of();
      return;
    }
    startTasks(name, entry);
  }

  private void startTasks(String name, Entry entry) {
    try {
      entry.taskConfigs = entry.connector.taskConfigs(new ConnectorConfig(entry.config).tasksMax());
    } catch (RuntimeException e) {
      entry.connector.status().state(State.FAILED, "taskConfigs() failed", e);
      entry.taskConfigs = List.of();
      return;
    }
    for (int i = 0; i < entry.taskConfigs.size(); i++) {
      worker.startTask(new TaskId(name, i), entry.config, entry.taskConfigs.get(i), entry.target);
    }
  }

  private void stopAll(String name, Entry entry, State connectorFinalState) {
    worker.stopTasks(worker.taskIds(name));
    if (entry.connector != null) {
      entry.connector.stop(connectorFinalState);
      entry.connector = null;
    }
  }

  @Override
  public synchronized void deleteConnector(String name) {
    Entry entry = entry(name);
    stopAll(name, entry, State.DESTROYED);
    connectors.remove(name);
  }

  @Override
  public synchronized ConnectorStatus connectorStatus(String name) {
    Entry entry = entry(name);
    StatusSnapshot connectorStatus = entry.connector == null
        ? new StatusSnapshot(State.UNASSIGNED, worker.workerId(), null, System.currentTimeMillis())
        : entry.connector.status().snapshot();
    return new ConnectorStatus(name, connectorStatus, statusReader.taskStatuses(name, entry.taskConfigs.size()), type(entry.config));
  }

  @Override
  public synchronized List<TaskInfo> taskConfigs(String name) {
    Entry entry = entry(name);
    List<TaskInfo> out = new ArrayList<>();
    for (int i = 0; i < entry.taskConfigs.size(); i++) {
      out.add(new TaskInfo(new TaskId(name, i), entry.taskConfigs.get(i)));
    }
    return out;
  }

  @Override
  public synchronized void restartConnector(String name, boolean includeTasks, boolean onlyFailed) {
    Entry entry = entry(name);
    if (entry.target == TargetState.STOPPED) {
      return;
    }
    boolean connectorFailed = entry.connector != null && entry.connector.status().current() == State.FAILED;
    if (!onlyFailed || connectorFailed) {
      if (includeTasks) {
        stopAll(name, entry, State.RESTARTING);
        startConnector(name, entry);
        return;
      }
      if (entry.connector != null) {
        entry.connector.stop(State.RESTARTING);
      }
      entry.connector = worker.newConnector(name, entry.config, this);
      entry.connector.start(entry.config, entry.target);
    }
    if (includeTasks) {
      for (int i = 0; i < entry.taskConfigs.size(); i++) {
        TaskId id = new TaskId(name, i);
        StatusSnapshot status = worker.taskStatus(id);
        if (!onlyFailed || status == null || status.state() == State.FAILED) {
          restartTask(id);
        }
      }
    }
  }

  @Override
  public synchronized void restartTask(TaskId id) {
    Entry entry = entry(id.connector());
    if (id.task() < 0 || id.task() >= entry.taskConfigs.size()) {
      throw new HerderException(404, "Task " + id + " not found");
    }
    worker.stopTasks(List.of(id));
    worker.startTask(id, entry.config, entry.taskConfigs.get(id.task()), entry.target);
  }

  @Override
  public synchronized void pauseConnector(String name) {
    Entry entry = entry(name);
    if (entry.target == TargetState.STOPPED) {
      return;
    }
    entry.target = TargetState.PAUSED;
    if (entry.connector != null) {
      entry.connector.pause();
    }
    worker.taskIds(name).forEach(id -> worker.setTargetState(id, TargetState.PAUSED));
  }

  @Override
  public synchronized void resumeConnector(String name) {
    Entry entry = entry(name);
    TargetState previous = entry.target;
    entry.target = TargetState.STARTED;
    if (previous == TargetState.STOPPED) {
      stopAll(name, entry, State.UNASSIGNED);
      startConnector(name, entry);
      return;
    }
    if (entry.connector != null) {
      entry.connector.resume();
    }
    worker.taskIds(name).forEach(id -> worker.setTargetState(id, TargetState.STARTED));
  }

  @Override
  public synchronized void stopConnector(String name) {
    Entry entry = entry(name);
    entry.target = TargetState.STOPPED;
    worker.stopTasks(worker.taskIds(name));
    entry.taskConfigs = List.of();
    if (entry.connector != null) {
      entry.connector.stop(State.STOPPED);
    }
  }

  @Override
  public List<Map<String, Object>> offsets(String name) {
    Map<String, String> config;
    synchronized (this) {
      config = entry(name).config;
    }
    return new ConnectorOffsets(worker).offsets(name, "sink".equals(type(config)));
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
  public synchronized void requestTaskReconfiguration(String name) {
    Entry entry = connectors.get(name);
    if (entry == null || entry.connector == null || entry.target == TargetState.STOPPED) {
      return;
    }
    List<Map<String, String>> next;
    try {
      next = entry.connector.taskConfigs(new ConnectorConfig(entry.config).tasksMax());
    } catch (RuntimeException e) {
      LOG.error("connector {}: taskConfigs() failed on reconfiguration", name, e);
      return;
    }
    if (next.equals(entry.taskConfigs)) {
      return;
    }
    worker.stopTasks(worker.taskIds(name));
    entry.taskConfigs = next;
    for (int i = 0; i < next.size(); i++) {
      worker.startTask(new TaskId(name, i), entry.config, next.get(i), entry.target);
    }
  }

  @Override
  public void failed(String connector, Throwable error) {
    LOG.error("connector {} failed", connector, error);
  }

  @Override
  public synchronized void close() {
    for (Map.Entry<String, Entry> e : connectors.entrySet()) {
      stopAll(e.getKey(), e.getValue(), State.UNASSIGNED);
    }
    worker.close();
  }

  private Entry entry(String name) {
    Entry entry = connectors.get(name);
    if (entry == null) {
      throw HerderException.notFound(name);
    }
    return entry;
  }
}
