package dev.runnel.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runnel.proto.internal.OpaqueRecordBatch;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.ErrorReason;
import dev.runnel.proto.v1.InitProducerIdResponse;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdempotenceTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  private final AtomicInteger initCalls = new AtomicInteger();

  private Idempotence idempotence(String name) {
    return new Idempotence(
        name,
        () ->
            InitProducerIdResponse.newBuilder()
                .setProducerId(7)
                .setProducerEpoch(initCalls.incrementAndGet() - 1)
                .build());
  }

  private static ProducerBatch batch(TopicPartition tp, int records) {
    ProducerBatch batch = new ProducerBatch(tp, 0);
    for (int i = 0; i < records; i++) {
      ProducerRecord record = ProducerRecord.of(tp.topic(), null, ("v" + i).getBytes(StandardCharsets.UTF_8));
      batch.append(record, 1, RecordEncoder.sizeInSet(record, 1), new CompletableFuture<>());
    }
    return batch;
  }

  @Test
  void numbersEachPartitionsRecordsFromZeroAndKeepsTheNumbersOfARetry() {
    Idempotence idempotence = idempotence("");
    ProducerBatch first = batch(P0, 3);
    ProducerBatch second = batch(P0, 2);
    ProducerBatch other = batch(P1, 4);
    idempotence.stamp(first);
    idempotence.stamp(second);
    idempotence.stamp(other);
    idempotence.stamp(first); // a retry: unchanged

    OpaqueRecordBatch wire = first.encoded(Codec.CODEC_NONE);
    assertEquals(7, wire.getProducerId());
    assertEquals(0, wire.getBaseSequence());
    assertEquals(3, second.encoded(Codec.CODEC_NONE).getBaseSequence());
    assertEquals(0, other.encoded(Codec.CODEC_NONE).getBaseSequence());
    assertEquals(1, initCalls.get(), "one producer id for the producer's life");
  }

  @Test
  void aGapStartsOneNewEpochAndNumbersAgainFromZero() {
    Idempotence idempotence = idempotence("");
    ProducerBatch lost = batch(P0, 3);
    ProducerBatch refused = batch(P0, 2);
    ProducerBatch alsoRefused = batch(P1, 1);
    idempotence.stamp(lost);
    idempotence.stamp(refused);
    idempotence.stamp(alsoRefused);

    idempotence.restartSequences(refused);
    idempotence.restartSequences(alsoRefused); // same old epoch: no second bump

    assertEquals(1, refused.encoded(Codec.CODEC_NONE).getProducerEpoch());
    assertEquals(0, refused.encoded(Codec.CODEC_NONE).getBaseSequence());
    assertEquals(1, alsoRefused.producerEpoch());
    ProducerBatch next = batch(P0, 1);
    idempotence.stamp(next);
    assertEquals(2, next.encoded(Codec.CODEC_NONE).getBaseSequence());
    assertEquals(1, initCalls.get(), "an anonymous producer bumps its epoch itself");
  }

  @Test
  void aNamedProducerAsksTheClusterForItsNextEpochAndStopsOnceFenced() {
    Idempotence idempotence = idempotence("billing");
    ProducerBatch refused = batch(P0, 1);
    idempotence.stamp(refused);
    idempotence.restartSequences(refused);
    assertEquals(2, initCalls.get());
    assertEquals(1, refused.producerEpoch());

    RunnelException fenced =
        RunnelException.local(ErrorReason.PRODUCER_FENCED, Status.Code.FAILED_PRECONDITION, "fenced");
    idempotence.fence(fenced);
    assertSame(fenced, assertThrows(RunnelException.class, () -> idempotence.stamp(batch(P1, 1))));
  }
}
