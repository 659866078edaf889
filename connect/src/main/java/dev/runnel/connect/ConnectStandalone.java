package dev.runnel.connect;

import dev.runnel.connect.herder.Herder;
import dev.runnel.connect.herder.StandaloneHerder;
import dev.runnel.connect.plugins.Plugins;
import dev.runnel.connect.rest.RestServer;
import dev.runnel.connect.runtime.ConnectorConfig;
import dev.runnel.connect.runtime.Worker;
import dev.runnel.connect.runtime.WorkerConfig;
import dev.runnel.connect.storage.FileOffsetStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * A standalone worker: one process runs every connector given on the command line (and any added
 * over REST), with source offsets in {@code offset.storage.file.filename}.
 */
public final class ConnectStandalone implements AutoCloseable {
  private final Plugins plugins;
  private final StandaloneHerder herder;
  private final RestServer rest;

  private ConnectStandalone(Plugins plugins, StandaloneHerder herder, RestServer rest) {
    this.plugins = plugins;
    this.herder = herder;
    this.rest = rest;
  }

  /** Starts the worker and its REST API, then the connectors; throws ConfigException for bad input. */
  public static ConnectStandalone start(Map<String, String> workerProps, List<Map<String, String>> connectors) {
    WorkerConfig config = new WorkerConfig(workerProps);
    String offsetFile = config.getString(WorkerConfig.OFFSET_FILE);
    if (offsetFile.isBlank()) {
      throw new ConfigException(WorkerConfig.OFFSET_FILE, offsetFile, "standalone mode needs a file for source offsets");
    }
    Plugins plugins = new Plugins(config.pluginPath());
    FileOffsetStore offsets = new FileOffsetStore(Path.of(offsetFile));
    String host = config.getString(WorkerConfig.REST_HOST);
    // The worker id needs the REST port, which is only known once bound: name it after binding.
    String[] workerId = {config.getString(WorkerConfig.WORKER_ID)};
    RestServer rest = null;
    StandaloneHerder herder = null;
    try {
      Worker worker = new Worker(workerIdOrDefault(workerId[0], host, config), config, plugins, offsets,
          dev.runnel.connect.runtime.StatusListener.NONE);
      herder = new StandaloneHerder(worker);
      rest = new RestServer(herder, host, config.getInt(WorkerConfig.REST_PORT), worker.metrics()::prometheusText).start();
      for (Map<String, String> connector : connectors) {
        String name = connector.get(ConnectorConfig.NAME);
        if (name == null || name.isBlank()) {
          throw new ConfigException(ConnectorConfig.NAME, name, "every connector properties file needs a name");
        }
        herder.putConnectorConfig(name, connector, false, null);
      }
      return new ConnectStandalone(plugins, herder, rest);
    } catch (RuntimeException e) {
      if (rest != null) {
        rest.close();
      }
      if (herder != null) {
        herder.close();
      }
      plugins.close();
      throw e;
    }
  }

  private static String workerIdOrDefault(String configured, String host, WorkerConfig config) {
    if (!configured.isBlank()) {
      return configured;
    }
    int port = config.getInt(WorkerConfig.REST_PORT);
    return host + ":" + (port == 0 ? "standalone" : Integer.toString(port));
  }

  public Herder herder() {
    return herder;
  }

  public int restPort() {
    return rest.port();
  }

  @Override
  public void close() {
    try {
      rest.close();
    } finally {
      try {
        herder.close();
      } finally {
        plugins.close();
      }
    }
  }
}
