package dev.runnel.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProduceBudgetTest {
  private final ProduceBudget budget = new ProduceBudget(100, 150);
  private final AtomicLong p0 = new AtomicLong();
  private final AtomicLong p1 = new AtomicLong();

  @Test
  void refusesBeyondThePartitionAndTheNodeLimitAndRecoversOnRelease() {
    ProduceBudget.Permit first = budget.acquire(p0, 60, "t-0");
    ProduceBudget.Permit second = budget.acquire(p0, 40, "t-0");
    RunnelError partitionFull = assertThrows(RunnelError.class, () -> budget.acquire(p0, 1, "t-0"));
    assertEquals(ErrorReason.BUSY, partitionFull.reason());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, partitionFull.code());

    budget.acquire(p1, 50, "t-1");
    RunnelError nodeFull = assertThrows(RunnelError.class, () -> budget.acquire(p1, 1, "t-1"));
    assertEquals(ErrorReason.BUSY, nodeFull.reason());
    assertEquals(150, budget.pendingBytes(), "refused claims leave nothing behind");

    first.release();
    second.release();
    budget.acquire(p0, 100, "t-0");
    assertEquals(150, budget.pendingBytes());
  }

  @Test
  void aBatchLargerThanTheLimitPassesWhenNothingElseIsPending() {
    ProduceBudget.Permit big = budget.acquire(p0, 1_000, "t-0");
    assertThrows(RunnelError.class, () -> budget.acquire(p0, 1, "t-0"));
    big.release();
    assertEquals(0, budget.pendingBytes());
  }
}
