package dev.runnel.node.group;

import static dev.runnel.node.group.OffsetResetPlan.Mode.EARLIEST;
import static dev.runnel.node.group.OffsetResetPlan.Mode.LATEST;
import static dev.runnel.node.group.OffsetResetPlan.Mode.OFFSET;
import static dev.runnel.node.group.OffsetResetPlan.Mode.TIMESTAMP;
import static dev.runnel.node.group.OffsetResetPlan.newOffset;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OffsetResetPlanTest {
  // A partition holding offsets 10..99 (retention removed 0..9).
  private static final long START = 10;
  private static final long END = 100;

  @Test
  void earliestAndLatestAreTheLogBounds() {
    assertEquals(10, newOffset(EARLIEST, 0, START, END, -1));
    assertEquals(100, newOffset(LATEST, 0, START, END, -1));
  }

  @Test
  void anOffsetOutsideTheLogMovesToItsNearestEnd() {
    assertEquals(42, newOffset(OFFSET, 42, START, END, -1));
    assertEquals(10, newOffset(OFFSET, 3, START, END, -1));
    assertEquals(100, newOffset(OFFSET, 5_000, START, END, -1));
    assertEquals(100, newOffset(OFFSET, 100, START, END, -1));
  }

  @Test
  void aTimeNewerThanEveryRecordMeansTheEnd() {
    assertEquals(57, newOffset(TIMESTAMP, 0, START, END, 57));
    assertEquals(100, newOffset(TIMESTAMP, 0, START, END, -1));
  }
}
