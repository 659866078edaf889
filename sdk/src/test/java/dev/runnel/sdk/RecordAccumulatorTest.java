package dev.runnel.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RecordAccumulatorTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  private static ProducerRecord record(int valueBytes) {
    return ProducerRecord.of("t", null, new byte[valueBytes]);
  }

  private static int size(ProducerRecord r) {
    return RecordEncoder.sizeInSet(r, 1);
  }

  private static long append(RecordAccumulator acc, TopicPartition tp, ProducerRecord r, long nowMs) {
    int size = size(r);
    acc.append(tp, r, 1, size, new CompletableFuture<>(), nowMs);
    return size;
  }

  @Test
  void batchIsHeldUntilLingerPasses() {
    RecordAccumulator acc = new RecordAccumulator(1_000, 5, 1);
    append(acc, P0, record(10), 100);
    append(acc, P0, record(10), 102);

    RecordAccumulator.Drain early = acc.drain(104);
    assertTrue(early.ready().isEmpty());
    assertEquals(1, early.waitMs(), "should wake exactly when the linger of the first record ends");

    RecordAccumulator.Drain due = acc.drain(105);
    assertEquals(1, due.ready().size());
    assertEquals(2, due.ready().get(0).recordCount());
  }

  @Test
  void fullBatchIsReadyAtOnceAndNextRecordStartsANewBatch() {
    ProducerRecord r = record(90);
    int size = size(r);
    RecordAccumulator acc = new RecordAccumulator(size * 3, 10_000, 1);
    for (int i = 0; i < 3; i++) {
      acc.append(P0, r, 1, size, new CompletableFuture<>(), 0);
    }
    assertFalse(acc.append(P0, r, 1, size, new CompletableFuture<>(), 0), "full batch was closed on its 3rd record");

    List<ProducerBatch> ready = acc.drain(0).ready();
    assertEquals(1, ready.size());
    assertEquals(3, ready.get(0).recordCount());
    assertTrue(ready.get(0).sizeBytes() <= size * 3);
  }

  @Test
  void appendThatWouldOverflowClosesTheOpenBatch() {
    ProducerRecord r = record(90);
    int size = size(r);
    RecordAccumulator acc = new RecordAccumulator(size * 2 + size / 2, 10_000, 1);
    acc.append(P0, r, 1, size, new CompletableFuture<>(), 0);
    acc.append(P0, r, 1, size, new CompletableFuture<>(), 0);
    assertTrue(acc.append(P0, r, 1, size, new CompletableFuture<>(), 0));

    List<ProducerBatch> ready = acc.drain(0).ready();
    assertEquals(2, ready.get(0).recordCount());
  }

  @Test
  void recordLargerThanBatchSizeGoesAloneInItsOwnBatch() {
    RecordAccumulator acc = new RecordAccumulator(100, 10_000, 1);
    append(acc, P0, record(10), 0);
    append(acc, P0, record(500), 0);
    append(acc, P0, record(10), 0);

    ProducerBatch first = acc.drain(0).ready().get(0);
    assertEquals(1, first.recordCount());
    acc.completed(first);
    ProducerBatch big = acc.drain(0).ready().get(0);
    assertEquals(1, big.recordCount());
    assertTrue(big.sizeBytes() > 500);
    acc.completed(big);
    assertTrue(acc.drain(0).ready().isEmpty(), "the small record after it lingers in a new batch");
  }

  @Test
  void onlyOneBatchPerPartitionIsInFlightAndPartitionsAreIndependent() {
    RecordAccumulator acc = new RecordAccumulator(100, 0, 1);
    append(acc, P0, record(80), 0);
    append(acc, P0, record(80), 0);
    append(acc, P1, record(80), 0);

    List<ProducerBatch> ready = acc.drain(0).ready();
    assertEquals(List.of(P0, P1), ready.stream().map(ProducerBatch::tp).toList());
    assertTrue(acc.drain(0).ready().isEmpty(), "P0's second batch waits for its first");

    acc.completed(ready.get(0));
    assertEquals(List.of(P0), acc.drain(0).ready().stream().map(ProducerBatch::tp).toList());
  }

  @Test
  void retriedBatchGoesBackAtTheHeadAfterItsBackoff() {
    RecordAccumulator acc = new RecordAccumulator(100, 0, 1);
    append(acc, P0, record(80), 0);
    ProducerBatch first = acc.drain(0).ready().get(0);
    first.onAttempt();
    append(acc, P0, record(80), 1);

    acc.reenqueue(first, 50);
    RecordAccumulator.Drain waiting = acc.drain(10);
    assertTrue(waiting.ready().isEmpty(), "neither the retry nor the later batch may go before 50");
    assertEquals(40, waiting.waitMs());
    assertSame(first, acc.drain(50).ready().get(0));
  }

  @Test
  void upToInFlightMaxBatchesOfOnePartitionGoAtOnce() {
    RecordAccumulator acc = new RecordAccumulator(100, 0, 3);
    for (int i = 0; i < 4; i++) {
      append(acc, P0, record(80), 0);
    }
    List<ProducerBatch> first = acc.drain(0).ready();
    assertEquals(3, first.size());
    assertTrue(acc.drain(0).ready().isEmpty(), "the fourth waits for a free slot");
    acc.completed(first.get(1));
    assertEquals(1, acc.drain(0).ready().size());
  }

  @Test
  void retriesGoOutOneByOneInDrainOrderBeforeNewBatches() {
    RecordAccumulator acc = new RecordAccumulator(100, 0, 5);
    for (int i = 0; i < 3; i++) {
      append(acc, P0, record(80), 0);
    }
    List<ProducerBatch> sent = acc.drain(0).ready();
    sent.forEach(ProducerBatch::onAttempt);
    ProducerBatch b1 = sent.get(0);
    ProducerBatch b2 = sent.get(1);
    ProducerBatch b3 = sent.get(2);
    append(acc, P0, record(80), 0);

    assertFalse(acc.hasEarlierUnanswered(b1));
    assertTrue(acc.hasEarlierUnanswered(b2), "b1 is still in flight");
    acc.reenqueue(b2, 0); // b2's refusal arrives first
    acc.reenqueue(b1, 0);
    assertTrue(acc.hasEarlierUnanswered(b2), "b1 waits for its retry");
    assertTrue(acc.drain(0).ready().isEmpty(), "a retry waits until nothing of its partition is in flight");

    acc.completed(b3);
    assertEquals(List.of(b1), acc.drain(0).ready(), "the oldest retry goes first, alone");
    b1.onAttempt();
    assertTrue(acc.drain(0).ready().isEmpty());
    acc.completed(b1);
    assertEquals(List.of(b2), acc.drain(0).ready());
    b2.onAttempt();
    acc.completed(b2);
    List<ProducerBatch> fresh = acc.drain(0).ready();
    assertEquals(1, fresh.size());
    assertEquals(0, fresh.get(0).attempts(), "then new batches flow again");
  }

  @Test
  void flushMakesLingeringBatchesReady() {
    RecordAccumulator acc = new RecordAccumulator(1_000, 60_000, 1);
    append(acc, P0, record(10), 0);
    assertTrue(acc.drain(0).ready().isEmpty());
    acc.beginFlush();
    assertEquals(1, acc.drain(0).ready().size());
    acc.endFlush();
  }

  @Test
  void incompleteFuturesCoverQueuedAndInFlightBatches() {
    RecordAccumulator acc = new RecordAccumulator(1_000, 0, 1);
    append(acc, P0, record(10), 0);
    ProducerBatch inFlight = acc.drain(0).ready().get(0);
    append(acc, P0, record(10), 0);
    assertEquals(2, acc.incompleteFutures().size());
    acc.completed(inFlight);
    assertEquals(2, acc.incompleteFutures().size(), "until its futures are complete, flush waits for it");
    acc.forget(inFlight);
    assertEquals(1, acc.incompleteFutures().size());
  }

  @Test
  void drainReportsFinishedOnlyWhenClosedAndEverythingCompleted() {
    RecordAccumulator acc = new RecordAccumulator(1_000, 60_000, 1);
    append(acc, P0, record(10), 0);
    acc.close();
    RecordAccumulator.Drain closing = acc.drain(0);
    assertEquals(1, closing.ready().size(), "close makes lingering batches ready");
    assertFalse(closing.finished());
    acc.completed(closing.ready().get(0));
    assertFalse(acc.drain(0).finished(), "its futures are not complete yet");
    acc.forget(closing.ready().get(0));
    assertTrue(acc.drain(0).finished());
  }
}
