package dev.runnel.connect.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * This worker's connectors and tasks as Prometheus metrics (served at {@code GET /metrics} of the
 * REST port), named like the node's ({@code runnel_<area>_<what>}):
 * {@code runnel_connect_connector_state{connector,state}} and {@code
 * runnel_connect_task_state{connector,task,state}} (1 for the current state, 0 for the others),
 * {@code runnel_connect_task_records_in_total} (records the task read: polled from the source
 * task or from the topic), {@code runnel_connect_task_records_out_total} (records it handed on:
 * stored in the topic, or given to the sink task's put) and {@code
 * runnel_connect_task_errors_total} (records that failed conversion or a transform). Only what
 * runs on this worker is reported; counters restart when a task restarts here.
 */
public final class ConnectMetrics {
  /** A task's counters; the task thread (and, for sources, producer callbacks) add to them. */
  public static final class TaskCounters {
    final LongAdder recordsIn = new LongAdder();
    final LongAdder recordsOut = new LongAdder();
    volatile LongSupplier errors = () -> 0;

    public void recordsIn(long n) {
      recordsIn.add(n);
    }

    public void recordsOut(long n) {
      recordsOut.add(n);
    }

    /** Where the count of failed records is read from (the task's error handler). */
    public void errorsFrom(LongSupplier errors) {
      this.errors = errors;
    }
  }

  private final Map<String, State> connectorStates = new ConcurrentHashMap<>();
  private final Map<TaskId, State> taskStates = new ConcurrentHashMap<>();
  private final Map<TaskId, TaskCounters> counters = new ConcurrentHashMap<>();

  /** Wraps {@code next} so every state change of this worker's connectors and tasks is seen here. */
  public StatusListener listener(StatusListener next) {
    return (connector, taskId, status) -> {
      onStatus(connector, taskId, status.state());
      next.onStatus(connector, taskId, status);
    };
  }

  void onStatus(String connector, int taskId, State state) {
    if (taskId < 0) {
      if (state == State.DESTROYED) {
        connectorStates.remove(connector);
      } else {
        connectorStates.put(connector, state);
      }
    } else {
      TaskId id = new TaskId(connector, taskId);
      if (state == State.DESTROYED) {
        forget(id);
      } else {
        taskStates.put(id, state);
      }
    }
  }

  /** Fresh counters for a task starting on this worker. */
  public TaskCounters newTask(TaskId id) {
    TaskCounters fresh = new TaskCounters();
    counters.put(id, fresh);
    return fresh;
  }

  /** The task no longer runs here. */
  public void forget(TaskId id) {
    taskStates.remove(id);
    counters.remove(id);
  }

  /** The Prometheus text exposition (version 0.0.4). */
  public String prometheusText() {
    StringBuilder out = new StringBuilder(1024);
    family(out, "runnel_connect_connector_state", "gauge", "State of each connector running on this worker (1 = current).");
    new TreeMap<>(connectorStates).forEach((connector, current) -> {
      for (State state : State.values()) {
        if (state != State.DESTROYED) {
          sample(out, "runnel_connect_connector_state",
              "connector=\"" + escape(connector) + "\",state=\"" + name(state) + "\"", state == current ? 1 : 0);
        }
      }
    });
    family(out, "runnel_connect_task_state", "gauge", "State of each task running on this worker (1 = current).");
    new TreeMap<>(taskStates).forEach((id, current) -> {
      for (State state : State.values()) {
        if (state != State.DESTROYED) {
          sample(out, "runnel_connect_task_state", taskLabels(id) + ",state=\"" + name(state) + "\"", state == current ? 1 : 0);
        }
      }
    });
    Map<TaskId, TaskCounters> sorted = new TreeMap<>(counters);
    family(out, "runnel_connect_task_records_in_total", "counter",
        "Records a task read: from its source (sources) or from its topics (sinks).");
    sorted.forEach((id, c) -> sample(out, "runnel_connect_task_records_in_total", taskLabels(id), c.recordsIn.sum()));
    family(out, "runnel_connect_task_records_out_total", "counter",
        "Records a task handed on: stored in a topic (sources) or given to put() (sinks).");
    sorted.forEach((id, c) -> sample(out, "runnel_connect_task_records_out_total", taskLabels(id), c.recordsOut.sum()));
    family(out, "runnel_connect_task_errors_total", "counter",
        "Records of a task that failed conversion or a transform (skipped with errors.tolerance=all).");
    sorted.forEach((id, c) -> sample(out, "runnel_connect_task_errors_total", taskLabels(id), c.errors.getAsLong()));
    return out.toString();
  }

  private static String taskLabels(TaskId id) {
    return "connector=\"" + escape(id.connector()) + "\",task=\"" + id.task() + "\"";
  }

  /** The state as the REST API spells it. */
  private static String name(State state) {
    return state.name();
  }

  /** Exposition format: backslash, double quote and newline are escaped in label values. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static void family(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String name, String labels, long value) {
    out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
  }
}
