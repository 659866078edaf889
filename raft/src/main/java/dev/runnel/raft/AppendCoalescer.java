package dev.runnel.raft;

import dev.runnel.proto.internal.AppendBatchCommand;
import dev.runnel.proto.internal.AppendOutcome;
import dev.runnel.proto.internal.AppendOutcomes;
import dev.runnel.proto.internal.AppendResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.apache.ratis.proto.RaftProtos.ReplicationLevel;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;

/**
 * The leader's door into one partition's Raft group for produced batches. At most {@code
 * entriesInFlightMax} entries of the partition are being replicated at once; batches that arrive
 * meanwhile wait, and when an entry completes, the waiting ones go out together as one entry (up to
 * the entry size limit), in arrival order. A Raft entry costs every replica the same few thread
 * hand-offs, log write and appendEntries round trip whether it carries one small batch or many, so
 * under load (many producers, or one producer's pipelined batches, on one partition) fewer, larger
 * entries carry the same batches; a partition with nothing in flight sends a batch at once, so an
 * idle partition's latency is unchanged. {@code entriesInFlightMax = 0} turns coalescing off: every
 * batch is its own entry, submitted at once.
 *
 * <p>Batches of different replication levels never share an entry. Each batch gets its own result:
 * a refused batch (sequence gap, fenced producer, bad CRC) fails only its own future, with the
 * same exception as if it had been alone in its entry.
 */
public final class AppendCoalescer {
  /** Serialized fields of a batch besides its payload, as budgeted against the entry size limit. */
  static final int BATCH_OVERHEAD_BYTES = 128;

  private final RaftHost raft;
  private final RaftGroupId groupId;
  private final int entriesInFlightMax;
  private final long entryBytesMax;
  private final IntConsumer batchesPerEntry;
  /** Batches not yet submitted, in arrival order; only the thread that holds {@link #draining} takes from it. */
  private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  /**
   * Held by the one thread submitting entries, so they reach Raft in the order they were taken. A
   * flag, not a lock: a thread that finds it taken leaves its batch queued for the holder and goes
   * on, so a Ratis thread completing an entry (possibly while holding Ratis' own locks) never waits
   * for a thread that is itself waiting in Ratis.
   */
  private final AtomicBoolean draining = new AtomicBoolean();

  /**
   * @param entryBytesMax the largest entry to build (RaftSettings.entryBytesMax); a single batch
   *     is sent even when larger, as without coalescing
   * @param batchesPerEntry told the number of batches of each entry submitted (for metrics)
   */
  public AppendCoalescer(
      RaftHost raft, RaftGroupId groupId, int entriesInFlightMax, long entryBytesMax, IntConsumer batchesPerEntry) {
    if (entriesInFlightMax < 0) {
      throw new IllegalArgumentException("entries in flight must be >= 0, got " + entriesInFlightMax);
    }
    this.raft = raft;
    this.groupId = groupId;
    this.entriesInFlightMax = entriesInFlightMax;
    this.entryBytesMax = entryBytesMax;
    this.batchesPerEntry = batchesPerEntry;
  }

  /**
   * Appends {@code command} through Raft; completes with its result once its entry reached {@code
   * level} (see {@link RaftHost#submit(RaftGroupId, Message, ReplicationLevel)}), or fails as that
   * would (NotLeaderException, OutOfOrderSequenceException, ...).
   */
  public CompletableFuture<AppendResult> append(AppendBatchCommand command, ReplicationLevel level) {
    Pending pending = new Pending(command, level, new CompletableFuture<>());
    if (entriesInFlightMax == 0) {
      submit(List.of(pending));
    } else {
      waiting.add(pending);
      drain();
    }
    return pending.result;
  }

  /** Submits waiting batches while fewer than the maximum entries are in flight, unless another thread does. */
  private void drain() {
    while (draining.compareAndSet(false, true)) {
      try {
        while (inFlight.get() < entriesInFlightMax && !waiting.isEmpty()) {
          inFlight.incrementAndGet();
          // May complete at once (e.g. not the leader); that completion's drain() finds the flag
          // taken and returns, and this loop goes on.
          submit(takeEntry());
        }
      } finally {
        draining.set(false);
      }
      // A batch queued, or an entry completed, after the loop's last check but before the flag
      // was released found the flag taken: look again.
      if (waiting.isEmpty() || inFlight.get() >= entriesInFlightMax) {
        return;
      }
    }
  }

  /** The next entry: the first waiting batch and those after it of the same level, up to the size limit. */
  private List<Pending> takeEntry() {
    Pending first = waiting.poll();
    List<Pending> entry = new ArrayList<>();
    entry.add(first);
    long bytes = first.bytes();
    for (Pending next = waiting.peek();
        next != null && next.level == first.level && bytes + next.bytes() <= entryBytesMax;
        next = waiting.peek()) {
      entry.add(waiting.poll());
      bytes += next.bytes();
    }
    return entry;
  }

  private void submit(List<Pending> entry) {
    batchesPerEntry.accept(entry.size());
    List<AppendBatchCommand> commands = new ArrayList<>(entry.size());
    entry.forEach(p -> commands.add(p.command));
    CompletableFuture<Message> committed;
    try {
      committed = raft.submit(groupId, new AppendMessage(commands), entry.get(0).level);
    } catch (RuntimeException e) {
      committed = CompletableFuture.failedFuture(e);
    }
    committed.whenComplete((reply, failure) -> completed(entry, reply, failure));
  }

  private void completed(List<Pending> entry, Message reply, Throwable failure) {
    deliver(entry, reply, failure);
    if (entriesInFlightMax > 0) {
      inFlight.decrementAndGet();
      drain();
    }
  }

  private static void deliver(List<Pending> entry, Message reply, Throwable failure) {
    if (failure != null) {
      entry.forEach(p -> p.result.completeExceptionally(failure));
      return;
    }
    try {
      if (entry.size() == 1) {
        entry.get(0).result.complete(AppendResult.parseFrom(RaftMessages.bytes(reply)));
        return;
      }
      List<AppendOutcome> outcomes = AppendOutcomes.parseFrom(RaftMessages.bytes(reply)).getOutcomesList();
      if (outcomes.size() != entry.size()) {
        throw new IOException(outcomes.size() + " outcomes for an entry of " + entry.size() + " batches");
      }
      for (int i = 0; i < outcomes.size(); i++) {
        AppendOutcome outcome = outcomes.get(i);
        if (outcome.hasRefusal()) {
          entry.get(i).result.completeExceptionally(AppendRefusals.toException(outcome.getRefusal()));
        } else {
          entry.get(i).result.complete(outcome.getResult());
        }
      }
    } catch (IOException | RuntimeException e) {
      IllegalStateException bad = new IllegalStateException("bad reply to an append entry", e);
      entry.forEach(p -> p.result.completeExceptionally(bad));
    }
  }

  private record Pending(AppendBatchCommand command, ReplicationLevel level, CompletableFuture<AppendResult> result) {
    long bytes() {
      return command.getPayload().size() + (long) BATCH_OVERHEAD_BYTES;
    }
  }
}
