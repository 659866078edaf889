package dev.runnel.sdk;

import dev.runnel.proto.v1.InitProducerIdResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An idempotent producer's identity: its producer id and epoch (from the cluster) and the next
 * sequence number per partition. Each batch is stamped once, before it is first sent, so every
 * retry carries the same numbers and the partition writes it at most once.
 *
 * <p>When a partition reports a gap (an earlier batch failed for good), the producer moves to a
 * new epoch and numbers every partition from 0 again. A fenced producer (a newer instance with
 * the same name wrote to a partition) fails every later batch. Called by the sender thread and
 * gRPC callbacks, so synchronized.
 */
final class Idempotence {
  private final String producerName;
  private final Supplier<InitProducerIdResponse> initProducerId;
  private final Map<TopicPartition, Integer> nextSequence = new HashMap<>();
  private long producerId;
  private short epoch;
  private RunnelException fenced;

  /**
   * @param producerName "" for an anonymous producer, else the name whose earlier instances a
   *     new one fences
   * @param initProducerId the blocking InitProducerId call for that name
   */
  Idempotence(String producerName, Supplier<InitProducerIdResponse> initProducerId) {
    this.producerName = producerName;
    this.initProducerId = initProducerId;
  }

  /** Gives the batch its producer id, epoch and sequence numbers, unless it has them already. */
  synchronized void stamp(ProducerBatch batch) {
    if (fenced != null) {
      throw fenced;
    }
    if (batch.producerId() > 0) {
      return;
    }
    if (producerId == 0) {
      adopt(initProducerId.get());
    }
    int sequence = nextSequence.getOrDefault(batch.tp(), 0);
    batch.stamp(producerId, epoch, sequence);
    nextSequence.put(batch.tp(), sequence + batch.recordCount());
  }

  /**
   * The partition refused {@code batch} as out of order: some earlier batch is missing for good,
   * and this one was not written. Moves to a new epoch (once, however many partitions report it)
   * and stamps the batch anew under it.
   */
  synchronized void restartSequences(ProducerBatch batch) {
    if (batch.producerEpoch() == epoch && batch.producerId() == producerId) {
      if (producerName.isEmpty() && epoch < Short.MAX_VALUE) {
        epoch++; // an anonymous id is this producer's alone: no need to ask the cluster
      } else {
        adopt(initProducerId.get());
      }
      nextSequence.clear();
    }
    batch.stamp(0, (short) 0, 0);
    stamp(batch);
  }

  /** A newer instance of this producer wrote to a partition: nothing more may be sent. */
  synchronized void fence(RunnelException error) {
    fenced = error;
  }

  synchronized RunnelException fenced() {
    return fenced;
  }

  private void adopt(InitProducerIdResponse identity) {
    producerId = identity.getProducerId();
    epoch = (short) identity.getProducerEpoch();
  }
}
