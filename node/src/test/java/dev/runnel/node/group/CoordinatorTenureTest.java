package dev.runnel.node.group;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CoordinatorTenureTest {
  @Test
  void aLeaderCoordinatesOnceCaughtUp_andAnApplyLagLaterInTheSameTermDoesNotEndIt() {
    CoordinatorTenure tenure = new CoordinatorTenure();
    assertFalse(tenure.coordinates(-1, () -> true), "not the leader");
    assertFalse(tenure.coordinates(3, () -> false), "leader, but entries of earlier terms are not applied yet");
    assertTrue(tenure.coordinates(3, () -> true), "leader and caught up");
    // The regression: every offset commit is committed a moment before it is applied.
    assertTrue(tenure.coordinates(3, () -> false), "a commit in flight in the same term");
  }

  @Test
  void aNewTermOrALostLeadershipNeedsTheCatchUpAgain() {
    CoordinatorTenure tenure = new CoordinatorTenure();
    assertTrue(tenure.coordinates(3, () -> true));
    assertFalse(tenure.coordinates(5, () -> false), "another term: another leader may have committed meanwhile");
    assertTrue(tenure.coordinates(5, () -> true));
    assertFalse(tenure.coordinates(-1, () -> true));
    assertFalse(tenure.coordinates(5, () -> false), "leadership lost and regained: check again");
  }
}
