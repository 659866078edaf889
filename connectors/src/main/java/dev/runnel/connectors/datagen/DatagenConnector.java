package dev.runnel.connectors.datagen;

import dev.runnel.connectors.ConnectorVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Generates demo events (see {@link AuthorizationAttempts}). Tasks split the rate and
 * max.records; each task has its own seed derived from the configured one, its own source
 * partition and its own position, so a restarted task continues where it stopped.
 */
public class DatagenConnector extends SourceConnector {
  private Map<String, String> props;
  private DatagenConfig config;

  @Override
  public String version() {
    return ConnectorVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    this.config = new DatagenConfig(props);
    this.props = new HashMap<>(props);
    // Fix seed and start time once, here, so every task (and every restart of one) agrees.
    if (config.seed() == null) {
      this.props.put(DatagenConfig.SEED, Long.toString(ThreadLocalRandom.current().nextLong()));
    }
  }

  @Override
  public Class<? extends Task> taskClass() {
    return DatagenTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    int rate = config.ratePerSec();
    // No task gets a rate of zero.
    int tasks = Math.max(1, Math.min(maxTasks, rate));
    long maxRecords = config.maxRecords();
    List<Map<String, String>> configs = new ArrayList<>(tasks);
    for (int index = 0; index < tasks; index++) {
      Map<String, String> taskProps = new HashMap<>(props);
      taskProps.put(DatagenConfig.TASK_INDEX, Integer.toString(index));
      taskProps.put(DatagenConfig.RATE_PER_SEC, Integer.toString(share(rate, tasks, index)));
      if (maxRecords >= 0) {
        taskProps.put(DatagenConfig.MAX_RECORDS, Long.toString(share(maxRecords, tasks, index)));
      }
      configs.add(taskProps);
    }
    return configs;
  }

  /** Task {@code index}'s part of {@code total}: the parts differ by at most one and add up. */
  static int share(int total, int parts, int index) {
    return (int) share((long) total, parts, index);
  }

  static long share(long total, int parts, int index) {
    return total / parts + (index < total % parts ? 1 : 0);
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return DatagenConfig.DEFINITION;
  }
}
