package dev.runnel.sdk;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-flight window of a {@link GroupConsumer}'s asynchronous commits. One sender thread sends
 * them one after another, so commits land in the order they were made and a later commit is never
 * overwritten by an earlier one. Results are handed to the callbacks on the consumer's thread
 * ({@link #deliverCompleted}), in order. At most {@code inFlightMax} commits wait; one more makes
 * the caller wait for the oldest (backpressure instead of an unbounded queue).
 */
final class AsyncCommits implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncCommits.class);

  /** Sends one commit; throws RunnelException when the coordinator refuses it. */
  interface CommitCall {
    void commit(Map<TopicPartition, Long> offsets);
  }

  private record Pending(
      Map<TopicPartition, Long> offsets, OffsetCommitCallback callback, CompletableFuture<RunnelException> result) {}

  private final int inFlightMax;
  private final String groupId;
  /** Told of every finished commit before its callback (the consumer tracks what is committed). */
  private final BiConsumer<Map<TopicPartition, Long>, RunnelException> onDone;
  /** Owned by the consumer's thread. */
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
  /** Created on first use: most consumers never commit asynchronously. */
  private ExecutorService sender;

  AsyncCommits(int inFlightMax, String groupId, BiConsumer<Map<TopicPartition, Long>, RunnelException> onDone) {
    this.inFlightMax = inFlightMax;
    this.groupId = groupId;
    this.onDone = onDone;
  }

  /** Queues a commit (waiting for the oldest one first when the window is full). */
  void submit(Map<TopicPartition, Long> offsets, OffsetCommitCallback callback, CommitCall how) {
    while (inFlight.size() >= inFlightMax) {
      deliverHead(Long.MAX_VALUE);
    }
    Map<TopicPartition, Long> copy = Map.copyOf(offsets);
    CompletableFuture<RunnelException> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                how.commit(copy);
                return null;
              } catch (RuntimeException e) {
                return e instanceof RunnelException re ? re : RunnelException.from(e);
              }
            },
            sender());
    inFlight.add(new Pending(copy, callback, result));
  }

  /** Queues a commit that already failed (e.g. the consumer is not in the group right now). */
  void submitFailed(Map<TopicPartition, Long> offsets, OffsetCommitCallback callback, RunnelException error) {
    inFlight.add(new Pending(Map.copyOf(offsets), callback, CompletableFuture.completedFuture(error)));
  }

  int inFlight() {
    return inFlight.size();
  }

  /** Runs the callbacks of the commits that finished, oldest first, stopping at one still running. */
  void deliverCompleted() {
    while (!inFlight.isEmpty() && inFlight.peekFirst().result().isDone()) {
      deliverHead(0);
    }
  }

  /** Waits (up to {@code timeoutMs} in all) for every commit in flight and runs their callbacks. */
  void awaitAll(long timeoutMs) {
    long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!inFlight.isEmpty()) {
      long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
      if (leftMs <= 0 && !inFlight.peekFirst().result().isDone()) {
        LOG.warn("group {}: {} asynchronous commit(s) still unanswered; not waiting longer", groupId, inFlight.size());
        return;
      }
      deliverHead(Math.max(0, leftMs));
    }
  }

  private void deliverHead(long waitMs) {
    Pending head = inFlight.peekFirst();
    RunnelException error;
    try {
      error = waitMs == Long.MAX_VALUE ? head.result().get() : head.result().get(waitMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an asynchronous commit", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the commit task cannot fail: it returns its error", e);
    }
    inFlight.pollFirst();
    onDone.accept(head.offsets(), error);
    if (head.callback() != null) {
      head.callback().onComplete(head.offsets(), error);
    } else if (error != null) {
      LOG.warn("group {}: asynchronous commit of {} failed: {}", groupId, head.offsets(), error.getMessage());
    }
  }

  @Override
  public void close() {
    if (sender != null) {
      sender.shutdownNow();
    }
  }

  private ExecutorService sender() {
    if (sender == null) {
      sender =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "runnel-commit-async-" + groupId);
                t.setDaemon(true);
                return t;
              });
    }
    return sender;
  }
}
