package dev.runnel.sdk;

import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The producer's memory bound: bytes of records accepted by send() and not yet acknowledged (or
 * failed). send() blocks here when the bound is reached, which is how a producer faster than the
 * cluster is slowed down instead of growing without limit.
 */
final class BufferMemory {
  private final long capacityBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private long usedBytes;

  BufferMemory(long capacityBytes) {
    this.capacityBytes = capacityBytes;
  }

  /** Reserves {@code bytes}, waiting up to {@code maxBlockMs}; throws RunnelException when it can't. */
  void reserve(long bytes, long maxBlockMs) {
    if (bytes > capacityBytes) {
      throw RunnelException.local(
          ErrorReason.RECORD_TOO_LARGE,
          Status.Code.INVALID_ARGUMENT,
          "record of " + bytes + " bytes is larger than bufferMemoryBytes " + capacityBytes);
    }
    long remainingNs = TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
    lock.lock();
    try {
      while (usedBytes + bytes > capacityBytes) {
        if (remainingNs <= 0) {
          throw RunnelException.local(
              ErrorReason.ERROR_REASON_UNSPECIFIED,
              Status.Code.RESOURCE_EXHAUSTED,
              "buffer full after maxBlockMs " + maxBlockMs + " ms (bufferMemoryBytes "
                  + capacityBytes + ")");
        }
        remainingNs = released.awaitNanos(remainingNs);
      }
      usedBytes += bytes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RunnelException.local(
          ErrorReason.ERROR_REASON_UNSPECIFIED, Status.Code.CANCELLED, "interrupted while waiting for buffer memory");
    } finally {
      lock.unlock();
    }
  }

  void release(long bytes) {
    lock.lock();
    try {
      usedBytes -= bytes;
      if (usedBytes < 0) {
        throw new IllegalStateException("released more buffer memory than reserved: " + usedBytes);
      }
      released.signalAll();
    } finally {
      lock.unlock();
    }
  }

  long usedBytes() {
    lock.lock();
    try {
      return usedBytes;
    } finally {
      lock.unlock();
    }
  }
}
