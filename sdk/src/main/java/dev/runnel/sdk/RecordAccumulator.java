package dev.runnel.sdk;

import dev.runnel.proto.v1.Record;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Per-partition queues of batches waiting to be sent. User threads append; the sender drains the
 * batches that are ready (full, lingered long enough, flushed, or due for a retry). A partition
 * with a batch in flight is "muted" and not drained, so at most one batch per partition is in
 * flight and a retried batch (put back at the head) cannot be overtaken by a later one.
 *
 * <p>Time is passed in ({@code nowMs}) so the batching rules are testable without sleeping.
 */
final class RecordAccumulator {
  /**
   * Batches to send now, how long the sender may sleep before something else becomes ready, and
   * whether the producer is closed with nothing left to send (decided under the same lock as the
   * drain, so a close() between the two cannot be missed).
   */
  record Drain(List<ProducerBatch> ready, long waitMs, boolean finished) {}

  private final int batchSizeBytes;
  private final long lingerMs;
  private final Map<TopicPartition, ArrayDeque<ProducerBatch>> queues = new LinkedHashMap<>();
  private final Set<TopicPartition> muted = new HashSet<>();
  private final Set<ProducerBatch> incomplete = new HashSet<>();
  private int flushesInProgress;
  private boolean closing;
  // Set by every change that can make a batch ready, so the sender never sleeps through one.
  private boolean changedSinceDrain;

  RecordAccumulator(int batchSizeBytes, long lingerMs) {
    this.batchSizeBytes = batchSizeBytes;
    this.lingerMs = lingerMs;
  }

  /**
   * Appends {@code record} to the open batch of {@code tp}, or to a new one when it would overflow.
   * Returns true when this append closed a full batch (the sticky partitioner then moves on).
   */
  synchronized boolean append(
      TopicPartition tp,
      Record record,
      long recordSizeBytes,
      CompletableFuture<RecordMetadata> future,
      long nowMs) {
    if (closing) {
      throw new IllegalStateException("producer is closed");
    }
    ArrayDeque<ProducerBatch> queue = queues.computeIfAbsent(tp, k -> new ArrayDeque<>());
    ProducerBatch open = queue.peekLast();
    boolean closedFull = false;
    if (open != null && !open.isClosed() && open.wouldOverflow(recordSizeBytes, batchSizeBytes)) {
      open.close();
      closedFull = true;
    }
    if (open == null || open.isClosed()) {
      open = new ProducerBatch(tp, nowMs);
      queue.addLast(open);
      incomplete.add(open);
      signal();
    }
    open.append(record, recordSizeBytes, future);
    if (open.sizeBytes() >= batchSizeBytes) {
      open.close();
      closedFull = true;
      signal();
    }
    return closedFull;
  }

  /** Removes and returns the batches ready at {@code nowMs}, muting their partitions. */
  synchronized Drain drain(long nowMs) {
    changedSinceDrain = false;
    List<ProducerBatch> ready = new ArrayList<>();
    long waitMs = Long.MAX_VALUE;
    Iterator<Map.Entry<TopicPartition, ArrayDeque<ProducerBatch>>> it = queues.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<TopicPartition, ArrayDeque<ProducerBatch>> entry = it.next();
      ArrayDeque<ProducerBatch> queue = entry.getValue();
      if (queue.isEmpty()) {
        it.remove();
        continue;
      }
      if (muted.contains(entry.getKey())) {
        continue;
      }
      ProducerBatch head = queue.peekFirst();
      long readyAtMs = readyAtMs(head, queue.size() > 1);
      if (readyAtMs <= nowMs) {
        queue.pollFirst();
        head.close();
        muted.add(entry.getKey());
        ready.add(head);
      } else {
        waitMs = Math.min(waitMs, readyAtMs - nowMs);
      }
    }
    return new Drain(ready, waitMs, closing && incomplete.isEmpty());
  }

  private long readyAtMs(ProducerBatch head, boolean hasSuccessor) {
    if (head.attempts() > 0) {
      return head.retryAtMs();
    }
    if (head.isClosed() || hasSuccessor || flushesInProgress > 0 || closing) {
      return Long.MIN_VALUE;
    }
    return head.createdMs() + lingerMs;
  }

  /** Puts a failed batch back at the head of its partition, to be resent at {@code retryAtMs}. */
  synchronized void reenqueue(ProducerBatch batch, long retryAtMs) {
    batch.retryAt(retryAtMs);
    queues.computeIfAbsent(batch.tp(), k -> new ArrayDeque<>()).addFirst(batch);
    muted.remove(batch.tp());
    signal();
  }

  /** The batch was acknowledged or failed for good: its partition may send the next one. */
  synchronized void completed(ProducerBatch batch) {
    muted.remove(batch.tp());
    signal();
  }

  /**
   * The batch's futures are all complete: flush() need not wait for it any more. Separate from
   * {@link #completed} so a flush between the two still waits for the batch's futures.
   */
  synchronized void forget(ProducerBatch batch) {
    incomplete.remove(batch);
    signal(); // a closing sender may be waiting for the last batch to go
  }

  /** Futures of every batch not yet acknowledged or failed: what flush() waits for. */
  synchronized List<CompletableFuture<RecordMetadata>> incompleteFutures() {
    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
    for (ProducerBatch batch : incomplete) {
      futures.addAll(batch.futures());
    }
    return futures;
  }

  synchronized void beginFlush() {
    flushesInProgress++;
    signal();
  }

  synchronized void endFlush() {
    flushesInProgress--;
  }

  /** No more appends; everything buffered becomes ready at once. */
  synchronized void close() {
    closing = true;
    signal();
  }

  /** Removes every batch not in flight, for failing them when the producer cannot send anymore. */
  synchronized List<ProducerBatch> abortUnsent() {
    List<ProducerBatch> unsent = new ArrayList<>();
    for (ArrayDeque<ProducerBatch> queue : queues.values()) {
      unsent.addAll(queue);
    }
    queues.clear();
    return unsent;
  }

  /** Sleeps up to {@code maxWaitMs} unless something changed since the last drain. */
  synchronized void awaitChange(long maxWaitMs) throws InterruptedException {
    if (!changedSinceDrain && maxWaitMs > 0) {
      wait(maxWaitMs == Long.MAX_VALUE ? 0 : maxWaitMs);
    }
  }

  private void signal() {
    changedSinceDrain = true;
    notifyAll();
  }
}
