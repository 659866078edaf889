package dev.runnel.connect.runtime;

/**
 * Told of every state change of a connector or task (task id -1 = the connector itself).
 * Standalone keeps statuses in memory; distributed also writes them to the status topic.
 */
public interface StatusListener {
  void onStatus(String connector, int taskId, StatusSnapshot status);

  StatusListener NONE = (connector, taskId, status) -> {};
}
