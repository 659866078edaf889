package dev.runnel.connect.runtime;

import dev.runnel.connect.plugins.Plugins;
import dev.runnel.connect.storage.OffsetStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkConnectorContext;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * One running {@link Connector} instance: started with its config, asked for task configs,
 * stopped. Its calls run with the plugin's class loader as context loader. The herder serializes
 * calls; the connector's own threads may call back (reconfigure, raiseError) at any time.
 */
public final class WorkerConnector {
  /** What a connector may ask of the herder. */
  public interface Callbacks {
    void requestTaskReconfiguration(String connector);

    void failed(String connector, Throwable error);
  }

  private final String name;
  private final Connector connector;
  private final ClassLoader loader;
  private final StatusTracker status;
  private final Callbacks callbacks;
  private final OffsetStore offsets;
  private final PluginMetrics metrics;
  private boolean started;

  public WorkerConnector(String name, Connector connector, ClassLoader loader, StatusTracker status,
      Callbacks callbacks, OffsetStore offsets, PluginMetrics metrics) {
    this.name = name;
    this.connector = connector;
    this.loader = loader;
    this.status = status;
    this.callbacks = callbacks;
    this.offsets = offsets;
    this.metrics = metrics;
  }

  public boolean isSink() {
    return connector instanceof SinkConnector;
  }

  public StatusTracker status() {
    return status;
  }

  /** Starts (or leaves paused) the connector; a failure marks it FAILED and is not thrown. */
  public boolean start(Map<String, String> config, TargetState target) {
    try {
      Plugins.withLoader(loader, () -> {
        connector.initialize(isSink() ? new SinkContext() : new SourceContext());
        connector.start(config);
      });
      started = true;
      status.state(target == TargetState.PAUSED ? State.PAUSED : State.RUNNING, "started");
      return true;
    } catch (RuntimeException | LinkageError e) {
      status.state(State.FAILED, "start() failed", e);
      return false;
    }
  }

  /** The connector's task configs (at most {@code maxTasks}), each with the task class added. */
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return Plugins.withLoader(loader, () -> {
      List<Map<String, String>> raw = connector.taskConfigs(maxTasks);
      List<Map<String, String>> out = new ArrayList<>();
      for (int i = 0; i < Math.min(raw.size(), maxTasks); i++) {
        Map<String, String> config = new HashMap<>(raw.get(i));
        config.put("task.class", connector.taskClass().getName());
        out.add(config);
      }
      return out;
    });
  }

  public void pause() {
    if (started && status.current() != State.FAILED) {
      status.state(State.PAUSED, "paused by request");
    }
  }

  public void resume() {
    if (started && status.current() == State.PAUSED) {
      status.state(State.RUNNING, "resumed by request");
    }
  }

  /** Stops the connector; {@code finalState} is STOPPED (by request) or UNASSIGNED (moved/deleted). */
  public void stop(State finalState) {
    if (started) {
      started = false;
      try {
        Plugins.withLoader(loader, connector::stop);
      } catch (RuntimeException e) {
        status.state(State.FAILED, "stop() failed", e);
        return;
      }
    }
    if (status.current() != State.FAILED || finalState == State.DESTROYED) {
      status.state(finalState, "stopped");
    }
  }

  public String name() {
    return name;
  }

  private class SinkContext implements SinkConnectorContext {
    @Override
    public void requestTaskReconfiguration() {
      callbacks.requestTaskReconfiguration(name);
    }

    @Override
    public void raiseError(Exception e) {
      status.state(State.FAILED, "the connector raised an error", e);
      callbacks.failed(name, e);
    }

    @Override
    public PluginMetrics pluginMetrics() {
      return metrics;
    }
  }

  private final class SourceContext extends SinkContext implements SourceConnectorContext {
    @Override
    public OffsetStorageReader offsetStorageReader() {
      return new SourceOffsetReader(name, offsets);
    }
  }
}
