package dev.runnel.connect.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a connector's or task's state changes: {@link #state} checks the move is legal,
 * logs old → new with the reason and tells the listener. Thread-safe (the task thread and the
 * herder both move it).
 */
public final class StatusTracker {
  private static final Logger LOG = LoggerFactory.getLogger(StatusTracker.class);

  private final String connector;
  private final int taskId;
  private final String workerId;
  private final StatusListener listener;
  private StatusSnapshot current;

  public StatusTracker(String connector, int taskId, String workerId, StatusListener listener) {
    this.connector = connector;
    this.taskId = taskId;
    this.workerId = workerId;
    this.listener = listener;
    this.current = new StatusSnapshot(State.UNASSIGNED, workerId, null, System.currentTimeMillis());
  }

  /** Moves to {@code next}; throws IllegalStateException for a move the table forbids (a bug). */
  public void state(State next, String reason, Throwable error) {
    StatusSnapshot snapshot;
    synchronized (this) {
      State previous = current.state();
      if (!previous.canMoveTo(next)) {
        throw new IllegalStateException(
            name() + ": illegal state change " + previous + " -> " + next + " (" + reason + ")");
      }
      snapshot = new StatusSnapshot(next, workerId, error == null ? null : trace(error), System.currentTimeMillis());
      current = snapshot;
      if (error != null) {
        LOG.error("{}: {} -> {} ({})", name(), previous, next, reason, error);
      } else if (previous != next) {
        LOG.info("{}: {} -> {} ({})", name(), previous, next, reason);
      }
    }
    listener.onStatus(connector, taskId, snapshot);
  }

  public void state(State next, String reason) {
    state(next, reason, null);
  }

  public synchronized StatusSnapshot snapshot() {
    return current;
  }

  public synchronized State current() {
    return current.state();
  }

  private String name() {
    return taskId < 0 ? "connector " + connector : "task " + connector + "-" + taskId;
  }

  static String trace(Throwable error) {
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
