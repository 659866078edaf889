package dev.runnel.node;

import dev.runnel.proto.v1.ErrorReason;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the bytes of batches accepted by this node but not yet committed, per partition and for
 * the whole node, so producers faster than Raft can commit meet a retriable BUSY instead of
 * filling the heap. A batch is always admitted when nothing is pending where it goes, so a batch
 * larger than a limit still gets through on its own.
 */
public final class ProduceBudget {
  private final long partitionBytesMax;
  private final long nodeBytesMax;
  private final AtomicLong nodePendingBytes = new AtomicLong();

  public ProduceBudget(long partitionBytesMax, long nodeBytesMax) {
    this.partitionBytesMax = partitionBytesMax;
    this.nodeBytesMax = nodeBytesMax;
  }

  /** A batch's claim on the budget; release it exactly once, when the batch is done. */
  public final class Permit {
    private final AtomicLong partitionPending;
    private final long bytes;

    private Permit(AtomicLong partitionPending, long bytes) {
      this.partitionPending = partitionPending;
      this.bytes = bytes;
    }

    public void release() {
      partitionPending.addAndGet(-bytes);
      nodePendingBytes.addAndGet(-bytes);
    }
  }

  /**
   * Claims {@code bytes} for a batch of the partition whose pending bytes {@code partitionPending}
   * counts.
   *
   * @throws RunnelError BUSY when the partition or the node is at its limit
   */
  public Permit acquire(AtomicLong partitionPending, long bytes, String partitionName) {
    long partitionAfter = partitionPending.addAndGet(bytes);
    long nodeAfter = nodePendingBytes.addAndGet(bytes);
    boolean partitionFull = partitionAfter > partitionBytesMax && partitionAfter > bytes;
    boolean nodeFull = nodeAfter > nodeBytesMax && nodeAfter > bytes;
    if (partitionFull || nodeFull) {
      partitionPending.addAndGet(-bytes);
      nodePendingBytes.addAndGet(-bytes);
      throw new RunnelError(
          ErrorReason.BUSY,
          Status.Code.RESOURCE_EXHAUSTED,
          (partitionFull
                  ? "partition " + partitionName + " has " + (partitionAfter - bytes)
                      + " bytes waiting to commit (produce.pending.bytes.max.per.partition="
                      + partitionBytesMax + ")"
                  : "this node has " + (nodeAfter - bytes)
                      + " bytes waiting to commit (produce.pending.bytes.max=" + nodeBytesMax + ")")
              + "; retry after a backoff");
    }
    return new Permit(partitionPending, bytes);
  }

  /** Bytes accepted by this node and not yet committed (or failed). */
  public long pendingBytes() {
    return nodePendingBytes.get();
  }
}
