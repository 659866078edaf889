package dev.runnel.raft;

import org.apache.ratis.util.LifeCycle;

/**
 * Ratis pauses a state machine before installing a leader's snapshot on it and refuses to
 * reload one that is not PAUSED, which it can only be after RUNNING: a state machine must mark
 * itself running once initialized, and again after it reloaded a snapshot.
 */
final class StateMachineLifecycle {
  private StateMachineLifecycle() {}

  static void markRunning(LifeCycle lifeCycle) {
    LifeCycle.State state = lifeCycle.getCurrentState();
    if (state == LifeCycle.State.NEW || state == LifeCycle.State.PAUSED) {
      lifeCycle.transition(LifeCycle.State.STARTING);
      lifeCycle.transition(LifeCycle.State.RUNNING);
    }
  }
}
