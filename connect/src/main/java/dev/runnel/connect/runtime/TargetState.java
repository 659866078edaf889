package dev.runnel.connect.runtime;

/** What the user asked a connector to be: running, paused (tasks idle), or stopped (no tasks). */
public enum TargetState {
  STARTED,
  PAUSED,
  STOPPED
}
