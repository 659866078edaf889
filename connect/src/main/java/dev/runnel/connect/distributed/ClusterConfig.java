package dev.runnel.connect.distributed;

import dev.runnel.connect.runtime.TargetState;
import java.util.List;
import java.util.Map;

/** What the configs topic says, at one moment: every connector's config, target and tasks. */
record ClusterConfig(Map<String, Connector> connectors) {
  /** A restart request; {@code task} -1 means the connector (and, per flags, its tasks). */
  record Restart(String id, int task, boolean includeTasks, boolean onlyFailed) {}

  /**
   * One connector. {@code taskConfigsFor} is the connector config the task configs were computed
   * from: tasks run only while it equals {@code config} (else they are stale and wait).
   */
  record Connector(Map<String, String> config, TargetState target, List<Map<String, String>> taskConfigs,
      Map<String, String> taskConfigsFor, List<Restart> restarts) {
    boolean tasksCurrent() {
      return config.equals(taskConfigsFor);
    }
  }
}
