package dev.runnel.connect.runtime;

/** Task {@code task} of connector {@code connector}. */
public record TaskId(String connector, int task) implements Comparable<TaskId> {
  @Override
  public int compareTo(TaskId other) {
    int byConnector = connector.compareTo(other.connector);
    return byConnector != 0 ? byConnector : Integer.compare(task, other.task);
  }

  @Override
  public String toString() {
    return connector + "-" + task;
  }
}
