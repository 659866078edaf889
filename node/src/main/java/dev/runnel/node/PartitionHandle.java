package dev.runnel.node;

import dev.runnel.raft.AppendCoalescer;
import dev.runnel.storage.CorruptBatchException;
import dev.runnel.storage.PartitionLog;
import dev.runnel.storage.StoredBatch;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.ratis.protocol.RaftGroupId;

/**
 * A partition hosted on this node: its Raft group, its local log, and a signal that fires after
 * every append so long polls and subscribers wake without polling.
 */
public final class PartitionHandle {
  private final String topic;
  private final int partition;
  private final RaftGroupId groupId;
  private final PartitionLog log;
  private final AppendCoalescer appender;
  private volatile CompletableFuture<Void> nextAppend = new CompletableFuture<>();
  /** Bounded waits of long-polling fetches; each removes itself when it completes. */
  private final Set<CompletableFuture<Void>> timedWaits = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final Consumer<CorruptBatchException> onCorrupt;
  private final AtomicLong pendingProduceBytes = new AtomicLong();

  PartitionHandle(
      String topic,
      int partition,
      RaftGroupId groupId,
      PartitionLog log,
      AppendCoalescer appender,
      Consumer<CorruptBatchException> onCorrupt) {
    this.topic = topic;
    this.partition = partition;
    this.groupId = groupId;
    this.log = log;
    this.appender = appender;
    this.onCorrupt = onCorrupt;
    log.setAppendListener(ignoredNextOffset -> signalAppend());
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public RaftGroupId groupId() {
    return groupId;
  }

  public PartitionLog log() {
    return log;
  }

  /** Where produced batches go into the partition's Raft group while this node leads it. */
  public AppendCoalescer appender() {
    return appender;
  }

  /** Bytes of batches accepted for this partition and not yet committed (see ProduceBudget). */
  public AtomicLong pendingProduceBytes() {
    return pendingProduceBytes;
  }

  /**
   * Reads from the log; a partition removed meanwhile (its topic deleted) answers UNKNOWN_TOPIC
   * instead of the storage's use-after-close error. A damaged stored batch is never served: the
   * reader gets CORRUPT_BATCH, and the batch is reported for repair.
   */
  public List<StoredBatch> read(long offset, int maxBytes) {
    if (closed) {
      throw RunnelError.unknownTopic(topic);
    }
    try {
      return log.read(offset, maxBytes);
    } catch (CorruptBatchException e) {
      onCorrupt.accept(e);
      throw e;
    } catch (IllegalStateException e) {
      if (closed) {
        throw RunnelError.unknownTopic(topic);
      }
      throw e;
    }
  }

  public boolean closed() {
    return closed;
  }

  /**
   * A future completed by the next append (or when the partition goes away). Take it BEFORE
   * checking the log for data: an append between the check and the wait then still wakes you.
   * Dependents must run asynchronously: completion happens on the Raft apply thread.
   */
  public CompletableFuture<Void> nextAppend() {
    return nextAppend;
  }

  /**
   * A future completed by the next append, when the partition goes away, or after {@code
   * timeoutNs}, whichever comes first. Unlike a timeout on {@link #nextAppend()}'s shared future it
   * leaves nothing behind: a wait that timed out does not wake the next one early, and the
   * partition forgets it. Check the log for data AFTER taking it, and complete it yourself when
   * you end up not waiting. Dependents must run asynchronously (see {@link #nextAppend()}).
   */
  public CompletableFuture<Void> nextAppendWithin(long timeoutNs) {
    CompletableFuture<Void> wait = new CompletableFuture<>();
    timedWaits.add(wait);
    wait.whenComplete((ignored, error) -> timedWaits.remove(wait));
    wait.completeOnTimeout(null, timeoutNs, TimeUnit.NANOSECONDS);
    if (closed) {
      wait.complete(null);
    }
    return wait;
  }

  /** Fetches waiting in {@link #nextAppendWithin} right now. */
  int timedWaits() {
    return timedWaits.size();
  }

  private void signalAppend() {
    CompletableFuture<Void> fired = nextAppend;
    nextAppend = new CompletableFuture<>();
    fired.complete(null);
    for (CompletableFuture<Void> wait : timedWaits) {
      wait.complete(null);
    }
  }

  /** The partition is being removed: wake every waiter so it notices. */
  void close() {
    closed = true;
    signalAppend();
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
