package dev.runnel.connect.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateTest {
  @Test
  void theTransitionTable() {
    assertTrue(State.UNASSIGNED.canMoveTo(State.RUNNING));
    assertTrue(State.RUNNING.canMoveTo(State.PAUSED));
    assertTrue(State.FAILED.canMoveTo(State.RESTARTING));
    assertFalse(State.FAILED.canMoveTo(State.RUNNING), "a failed task restarts first");
    assertFalse(State.DESTROYED.canMoveTo(State.RUNNING));
  }

  @Test
  void theTrackerTellsTheListener_andRefusesIllegalMoves() {
    List<String> seen = new ArrayList<>();
    StatusTracker tracker = new StatusTracker("c", 0, "w1",
        (connector, task, status) -> seen.add(connector + "-" + task + ":" + status.state()));
    tracker.state(State.RUNNING, "started");
    tracker.state(State.FAILED, "boom", new RuntimeException("boom"));
    assertThrows(IllegalStateException.class, () -> tracker.state(State.RUNNING, "no"));
    assertEquals(List.of("c-0:RUNNING", "c-0:FAILED"), seen);
    assertTrue(tracker.snapshot().trace().contains("boom"));
    assertEquals("w1", tracker.snapshot().workerId());
  }
}
