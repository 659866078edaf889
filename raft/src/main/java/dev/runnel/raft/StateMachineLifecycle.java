package dev.runnel.raft;

import org.apache.ratis.util.LifeCycle;

/**
 * Ratis pauses a state machine before reloading it from a newly installed snapshot and refuses to
 * reload one that is not PAUSED, which it can only be after RUNNING: a state machine must mark
 * itself running once initialized and again after it reloaded, and paused when Ratis pauses it
 * (BaseStateMachine's pause does nothing).
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

  static void markPaused(LifeCycle lifeCycle) {
    if (lifeCycle.getCurrentState() == LifeCycle.State.RUNNING) {
      lifeCycle.transition(LifeCycle.State.PAUSING);
      lifeCycle.transition(LifeCycle.State.PAUSED);
    }
  }
}
