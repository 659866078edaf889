package dev.runnel.connect.herder;

import dev.runnel.connect.runtime.State;
import dev.runnel.connect.runtime.StatusSnapshot;
import dev.runnel.connect.runtime.TaskId;
import dev.runnel.connect.runtime.Worker;
import java.util.Map;
import java.util.TreeMap;

/** Task statuses as this worker sees them; a task it does not run is UNASSIGNED. */
final class ConnectorStatusReader {
  private final Worker worker;

  ConnectorStatusReader(Worker worker) {
    this.worker = worker;
  }

  Map<Integer, StatusSnapshot> taskStatuses(String connector, int taskCount) {
    Map<Integer, StatusSnapshot> out = new TreeMap<>();
    for (int i = 0; i < taskCount; i++) {
      StatusSnapshot status = worker.taskStatus(new TaskId(connector, i));
      out.put(i, status != null ? status : new StatusSnapshot(State.UNASSIGNED, worker.workerId(), null, 0));
    }
    return out;
  }
}
