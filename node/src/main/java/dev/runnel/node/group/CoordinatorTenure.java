package dev.runnel.node.group;

import java.util.function.BooleanSupplier;

/**
 * Decides whether this node coordinates the groups: it must lead the controller group with a
 * ready leadership, and its state machine must have caught up with everything committed before
 * (the committed offsets it serves live there). The catch-up is checked once per leader term and
 * then remembered: within one term nobody else can commit, and every commit (each offset commit
 * is one) leaves a short window where an entry is committed but not yet applied. Re-checking it
 * each time made a busy coordinator drop all its groups for one tick (the cause of members of a
 * stable group losing their partitions when another member joined).
 */
public final class CoordinatorTenure {
  private long caughtUpTerm = -1;

  /**
   * @param readyLeaderTerm the controller term while this node leads it and its leadership is
   *     ready, else -1
   * @param appliedAllCommitted whether the state machine has applied every committed entry now
   */
  public synchronized boolean coordinates(long readyLeaderTerm, BooleanSupplier appliedAllCommitted) {
    if (readyLeaderTerm < 0) {
      caughtUpTerm = -1;
      return false;
    }
    if (readyLeaderTerm != caughtUpTerm && appliedAllCommitted.getAsBoolean()) {
      caughtUpTerm = readyLeaderTerm;
    }
    return readyLeaderTerm == caughtUpTerm;
  }
}
