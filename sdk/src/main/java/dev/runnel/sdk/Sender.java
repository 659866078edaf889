package dev.runnel.sdk;

import dev.runnel.proto.internal.OpaqueProduceRequest;
import dev.runnel.proto.v1.Acks;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.ProduceResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's single I/O thread: drains ready batches from the accumulator and sends each on
 * the ProduceStream of its partition's leader, several per partition in flight. Completion runs on gRPC's executor and only touches the batch, the
 * accumulator and the buffer memory, which are safe for that; no thread is started per send.
 */
final class Sender implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

  private final RecordAccumulator accumulator;
  private final BufferMemory memory;
  private final Partitioner partitioner;
  private final ClusterMetadata metadata;
  private final ProduceStreams streams;
  private final RetryBackoff backoff;
  private final long requestTimeoutMs;
  private final Acks acks;
  private final Codec compression;
  /** Null when the producer is not idempotent. */
  private final Idempotence idempotence;
  private final LongSupplier clockMs;

  Sender(
      RecordAccumulator accumulator,
      BufferMemory memory,
      Partitioner partitioner,
      ClusterMetadata metadata,
      ProduceStreams streams,
      RetryBackoff backoff,
      long requestTimeoutMs,
      Acks acks,
      Codec compression,
      Idempotence idempotence,
      LongSupplier clockMs) {
    this.acks = acks;
    this.compression = compression;
    this.idempotence = idempotence;
    this.accumulator = accumulator;
    this.memory = memory;
    this.partitioner = partitioner;
    this.metadata = metadata;
    this.streams = streams;
    this.backoff = backoff;
    this.requestTimeoutMs = requestTimeoutMs;
    this.clockMs = clockMs;
  }

  @Override
  public void run() {
    try {
      while (true) {
        RecordAccumulator.Drain drain = accumulator.drain(clockMs.getAsLong());
        if (drain.finished()) {
          return;
        }
        for (ProducerBatch batch : drain.ready()) {
          dispatch(batch);
        }
        accumulator.awaitChange(drain.waitMs());
      }
    } catch (InterruptedException e) {
      // Nobody in the SDK interrupts this thread; if someone else does, fail what is left rather
      // than leave callers waiting on futures that no thread will complete.
      Thread.currentThread().interrupt();
      RunnelException closed =
          RunnelException.local(
              ErrorReason.ERROR_REASON_UNSPECIFIED,
              Status.Code.CANCELLED,
              "producer sender thread interrupted before the record was sent");
      for (ProducerBatch batch : accumulator.abortUnsent()) {
        finish(batch, null, closed);
      }
    }
  }

  private void dispatch(ProducerBatch batch) {
    batch.onAttempt();
    if (batch.attempts() == 1) {
      partitioner.onBatchClosed(batch.tp());
    }
    if (idempotence != null) {
      try {
        idempotence.stamp(batch);
      } catch (RuntimeException e) {
        onFailure(batch, e);
        return;
      }
    }
    OpaqueProduceRequest request =
        OpaqueProduceRequest.newBuilder()
            .setTopic(batch.tp().topic())
            .setPartition(batch.tp().partition())
            .setBatch(batch.encoded(compression))
            .setAcks(acks)
            .build();
    try {
      streams.send(metadata.leaderAddress(batch.tp()), request, requestTimeoutMs, new ProduceObserver(batch));
    } catch (RuntimeException e) {
      onFailure(batch, e);
    }
  }

  private void onFailure(ProducerBatch batch, Throwable t) {
    RunnelException error = RunnelException.from(t);
    metadata.invalidateOn(error, batch.tp().topic());
    if (idempotence != null && error.reason() == ErrorReason.OUT_OF_ORDER_SEQUENCE) {
      if (retriedBehindEarlier(batch) || restartedAfterGap(batch, error)) {
        return;
      }
    }
    if (error.reason() == ErrorReason.PRODUCER_FENCED && idempotence != null) {
      idempotence.fence(error);
    }
    if (backoff.mayRetry(error, batch.attempts())) {
      long waitMs = backoff.backoffMs(batch.attempts());
      LOG.debug("produce to {} failed (attempt {}), retrying in {} ms: {}",
          batch.tp(), batch.attempts(), waitMs, error.getMessage());
      accumulator.reenqueue(batch, clockMs.getAsLong() + waitMs);
      return;
    }
    RunnelException finalError =
        new RunnelException(
            error.reason(),
            error.code(),
            error.metadata(),
            "produce to " + batch.tp() + " failed after " + batch.attempts() + " attempt(s): "
                + error.getMessage(),
            error);
    finish(batch, null, finalError);
  }

  /**
   * OUT_OF_ORDER_SEQUENCE while an earlier batch of the partition is still unanswered: this one
   * overtook it (that one failed and is being retried, or is still on its way). Send it again
   * behind that one, under the same numbers.
   */
  private boolean retriedBehindEarlier(ProducerBatch batch) {
    if (!backoff.hasAttemptsLeft(batch.attempts()) || !accumulator.hasEarlierUnanswered(batch)) {
      return false;
    }
    LOG.debug("produce to {}: overtook an unanswered earlier batch, resending behind it", batch.tp());
    accumulator.reenqueue(batch, clockMs.getAsLong());
    return true;
  }

  /**
   * OUT_OF_ORDER_SEQUENCE with nothing earlier unanswered: a batch before this one failed for good and this one was not written.
   * Send it again under a new epoch, right away, as long as it has attempts left.
   */
  private boolean restartedAfterGap(ProducerBatch batch, RunnelException error) {
    if (!backoff.hasAttemptsLeft(batch.attempts())) {
      return false;
    }
    try {
      idempotence.restartSequences(batch);
    } catch (RuntimeException e) {
      return false;
    }
    LOG.debug("produce to {}: sequence gap, resending under a new epoch", batch.tp());
    accumulator.reenqueue(batch, clockMs.getAsLong());
    return true;
  }

  private void finish(ProducerBatch batch, ProduceResponse response, RunnelException error) {
    // Account first so a caller woken by its future sees the memory and the partition free.
    accumulator.completed(batch);
    memory.release(batch.sizeBytes());
    if (error == null) {
      batch.complete(response);
    } else {
      batch.fail(error);
    }
    accumulator.forget(batch);
  }

  private final class ProduceObserver implements StreamObserver<ProduceResponse> {
    private final ProducerBatch batch;

    ProduceObserver(ProducerBatch batch) {
      this.batch = batch;
    }

    @Override
    public void onNext(ProduceResponse response) {
      finish(batch, response, null);
    }

    @Override
    public void onError(Throwable t) {
      onFailure(batch, t);
    }

    @Override
    public void onCompleted() {
      // The unary response already completed the batch in onNext.
    }
  }
}
