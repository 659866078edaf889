package dev.runnel.sdk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Per-partition queues of batches waiting to be sent. User threads append; the sender drains the
 * batches that are ready (full, lingered long enough, flushed, or due for a retry). Up to {@code
 * inFlightMax} batches of a partition are in flight at once, in the order they were drained.
 *
 * <p>Order across retries: a failed batch goes back into its queue in drain order, ahead of every
 * batch not sent yet, and a batch being retried is only sent once nothing of its partition is in
 * flight, and travels alone. So retries go out one by one, oldest first, and the partition is
 * pipelined again once they are through. (Batches sent behind a failed one are refused by the
 * partition as out of sequence when the producer is idempotent, and come back here to be retried
 * in order; without idempotence a later batch may already be written, which is why ordering
 * across retries is only promised for idempotent producers or {@code inFlightMax} 1.)
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
  private final int inFlightMax;
  private final Map<TopicPartition, ArrayDeque<ProducerBatch>> queues = new LinkedHashMap<>();
  /** Batches sent and not answered yet, per partition; at most {@code inFlightMax} each. */
  private final Map<TopicPartition, List<ProducerBatch>> inFlight = new HashMap<>();
  private long drainedCount;
  private final Set<ProducerBatch> incomplete = new HashSet<>();
  private int flushesInProgress;
  private boolean closing;
  // Set by every change that can make a batch ready, so the sender never sleeps through one.
  private boolean changedSinceDrain;

  RecordAccumulator(int batchSizeBytes, long lingerMs, int inFlightMax) {
    this.batchSizeBytes = batchSizeBytes;
    this.lingerMs = lingerMs;
    this.inFlightMax = inFlightMax;
  }

  /**
   * Appends {@code record}, stamped {@code timestampMs}, to the open batch of {@code tp}, or to a new
   * one when it would overflow; {@code recordSizeBytes} is {@link RecordEncoder#sizeInSet}'s answer.
   * Returns true when this append closed a full batch (the sticky partitioner then moves on).
   */
  synchronized boolean append(
      TopicPartition tp,
      ProducerRecord record,
      long timestampMs,
      int recordSizeBytes,
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
    open.append(record, timestampMs, recordSizeBytes, future);
    if (open.sizeBytes() >= batchSizeBytes) {
      open.close();
      closedFull = true;
      signal();
    }
    return closedFull;
  }

  /** Removes and returns the batches ready at {@code nowMs}, counting them as in flight. */
  synchronized Drain drain(long nowMs) {
    changedSinceDrain = false;
    List<ProducerBatch> ready = new ArrayList<>();
    long waitMs = Long.MAX_VALUE;
    Iterator<Map.Entry<TopicPartition, ArrayDeque<ProducerBatch>>> it = queues.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<TopicPartition, ArrayDeque<ProducerBatch>> entry = it.next();
      ArrayDeque<ProducerBatch> queue = entry.getValue();
      List<ProducerBatch> flying = inFlight.computeIfAbsent(entry.getKey(), k -> new ArrayList<>());
      while (!queue.isEmpty() && maySend(queue.peekFirst(), flying)) {
        ProducerBatch head = queue.peekFirst();
        long readyAtMs = readyAtMs(head, queue.size() > 1);
        if (readyAtMs > nowMs) {
          waitMs = Math.min(waitMs, readyAtMs - nowMs);
          break;
        }
        queue.pollFirst();
        head.close();
        if (head.attempts() == 0) {
          head.drainedAs(drainedCount++);
        }
        head.sentAsRetry(head.attempts() > 0);
        flying.add(head);
        ready.add(head);
      }
      if (queue.isEmpty()) {
        it.remove();
      }
    }
    return new Drain(ready, waitMs, closing && incomplete.isEmpty());
  }

  /** A retry travels alone, after everything sent before it was answered; see the class comment. */
  private boolean maySend(ProducerBatch head, List<ProducerBatch> flying) {
    if (flying.isEmpty()) {
      return true;
    }
    return flying.size() < inFlightMax && head.attempts() == 0 && !flying.get(0).sentAsRetry();
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

  /**
   * Puts a failed batch back into its partition's queue, in drain order among the batches waiting
   * for a retry and ahead of every batch not sent yet, to be resent at {@code retryAtMs}.
   */
  synchronized void reenqueue(ProducerBatch batch, long retryAtMs) {
    batch.retryAt(retryAtMs);
    landed(batch);
    ArrayDeque<ProducerBatch> queue = queues.computeIfAbsent(batch.tp(), k -> new ArrayDeque<>());
    List<ProducerBatch> retries = new ArrayList<>();
    while (!queue.isEmpty()
        && queue.peekFirst().attempts() > 0
        && queue.peekFirst().drainOrder() < batch.drainOrder()) {
      retries.add(queue.pollFirst());
    }
    queue.addFirst(batch);
    for (int i = retries.size() - 1; i >= 0; i--) {
      queue.addFirst(retries.get(i));
    }
    signal();
  }

  /**
   * Whether a batch of {@code batch}'s partition drained before it is still unanswered (in flight
   * or waiting for its retry): then a refusal of {@code batch} as out of sequence only means it
   * overtook that one, not that anything was lost.
   */
  synchronized boolean hasEarlierUnanswered(ProducerBatch batch) {
    for (ProducerBatch other : inFlight.getOrDefault(batch.tp(), List.of())) {
      if (other.drainOrder() < batch.drainOrder()) {
        return true;
      }
    }
    for (ProducerBatch other : queues.getOrDefault(batch.tp(), new ArrayDeque<>())) {
      if (other.attempts() > 0 && other.drainOrder() < batch.drainOrder()) {
        return true;
      }
    }
    return false;
  }

  /** The batch was acknowledged or failed for good: its partition may send the next one. */
  synchronized void completed(ProducerBatch batch) {
    landed(batch);
    signal();
  }

  private void landed(ProducerBatch batch) {
    List<ProducerBatch> flying = inFlight.get(batch.tp());
    if (flying != null) {
      flying.remove(batch);
    }
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
