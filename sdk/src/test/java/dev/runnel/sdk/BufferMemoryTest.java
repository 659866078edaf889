package dev.runnel.sdk;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BufferMemoryTest {
  @Test
  void reserveBlocksWhileFullAndResumesOnRelease() {
    BufferMemory memory = new BufferMemory(100);
    memory.reserve(80, 0);
    CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> memory.reserve(50, 60_000));
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> !blocked.isDone());

    memory.release(80);
    await().atMost(Duration.ofSeconds(5)).until(blocked::isDone);
    assertFalse(blocked.isCompletedExceptionally());
    assertEquals(50, memory.usedBytes());
  }

  @Test
  void failsWithResourceExhaustedAfterMaxBlockMs() {
    BufferMemory memory = new BufferMemory(100);
    memory.reserve(100, 0);
    long startNs = System.nanoTime();
    RunnelException e = assertThrows(RunnelException.class, () -> memory.reserve(1, 50));
    assertTrue(System.nanoTime() - startNs >= 50_000_000L, "waited maxBlockMs first");
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code());
    assertTrue(e.getMessage().contains("buffer full after maxBlockMs 50 ms"), e.getMessage());
    assertFalse(e.retriable());
    assertEquals(100, memory.usedBytes());
  }

  @Test
  void recordLargerThanTheWholeBufferFailsAtOnce() {
    BufferMemory memory = new BufferMemory(100);
    RunnelException e = assertThrows(RunnelException.class, () -> memory.reserve(101, 60_000));
    assertEquals(ErrorReason.RECORD_TOO_LARGE, e.reason());
  }

  @Test
  void releasingMoreThanReservedIsABug() {
    BufferMemory memory = new BufferMemory(100);
    memory.reserve(10, 0);
    assertThrows(IllegalStateException.class, () -> memory.release(11));
  }
}
