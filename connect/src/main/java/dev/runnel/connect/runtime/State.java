package dev.runnel.connect.runtime;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The state of a connector or task, as Kafka Connect's REST API reports it. The legal moves are
 * listed in one table so a bug that skips a step fails loudly instead of showing a wrong status.
 */
public enum State {
  UNASSIGNED,
  RUNNING,
  PAUSED,
  STOPPED,
  FAILED,
  RESTARTING,
  /** Removed for good (connector deleted or task retired); terminal. */
  DESTROYED;

  private static final Map<State, Set<State>> NEXT =
      Map.of(
          UNASSIGNED, EnumSet.of(RUNNING, PAUSED, STOPPED, FAILED, DESTROYED, RESTARTING),
          RUNNING, EnumSet.of(PAUSED, STOPPED, FAILED, RESTARTING, UNASSIGNED, DESTROYED),
          PAUSED, EnumSet.of(RUNNING, STOPPED, FAILED, RESTARTING, UNASSIGNED, DESTROYED),
          STOPPED, EnumSet.of(RUNNING, PAUSED, RESTARTING, UNASSIGNED, DESTROYED, FAILED),
          FAILED, EnumSet.of(RESTARTING, UNASSIGNED, DESTROYED, STOPPED),
          RESTARTING, EnumSet.of(RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED, DESTROYED),
          DESTROYED, EnumSet.noneOf(State.class));

  public boolean canMoveTo(State next) {
    return this == next || NEXT.get(this).contains(next);
  }
}
