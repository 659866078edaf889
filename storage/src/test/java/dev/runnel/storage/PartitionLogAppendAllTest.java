package dev.runnel.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runnel.storage.PartitionLog.AppendOutcome;
import dev.runnel.storage.PartitionLog.BatchAppend;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several batches in one Raft entry: stored in order in one transaction, each with its own outcome. */
class PartitionLogAppendAllTest {
  private static final LogConfig SMALL = new LogConfig(1 << 20, 64 << 20, 1);
  private static final long PRODUCER = 42;

  @TempDir Path dir;

  /** A batch of {@code records} records with a payload derived from {@code seed} (kept in producerId when plain). */
  private static BatchAppend batch(long seed, int records, long timestampMs) {
    ByteBuffer payload = TestBatches.payload(seed, 100);
    return new BatchAppend(TestBatches.header(seed, records, timestampMs, timestampMs, payload), payload, 0);
  }

  private static BatchAppend idempotent(int epoch, int baseSequence, int records) {
    ByteBuffer payload = TestBatches.payload(baseSequence, 50);
    BatchHeader header = new BatchHeader(-1, records, 1, 1, PRODUCER, (short) epoch, baseSequence, (byte) 0,
        1_700_000_000_000L, Crc32c.of(payload));
    return new BatchAppend(header, payload, 0);
  }

  @Test
  void theBatchesOfAnEntryAreStoredInOrderAndTheEntryRecordedOnce() {
    try (PartitionLog log = PartitionLog.open(dir, SMALL)) {
      AtomicInteger signals = new AtomicInteger();
      log.setAppendListener(next -> signals.incrementAndGet());
      List<AppendOutcome> outcomes =
          log.appendAll(List.of(batch(1, 3, 1_000), batch(2, 2, 2_000), batch(3, 4, 3_000)), 7, 2);

      assertEquals(List.of(0L, 3L, 5L), outcomes.stream().map(o -> o.stored().baseOffset()).toList());
      outcomes.forEach(o -> assertNull(o.refused()));
      assertEquals(9, log.nextOffset());
      assertEquals(7, log.lastAppliedIndex());
      assertEquals(2, log.lastAppliedTerm());
      assertEquals(1, signals.get(), "readers are woken once per entry");
      assertEquals(3, log.offsetForTimestamp(1_500), "each batch of the entry is in the time index");
      assertEquals(5, log.offsetForTimestamp(2_500));
      assertThrows(IllegalStateException.class, () -> log.appendAll(List.of(batch(4, 1, 4_000)), 7, 2),
          "an entry is applied once");
    }
    try (PartitionLog reopened = PartitionLog.open(dir, SMALL)) {
      List<StoredBatch> read = reopened.read(0, 1 << 20);
      assertEquals(List.of(1L, 2L, 3L), read.stream().map(b -> b.header().producerId()).toList());
      read.forEach(TestBatches::assertIntact);
      assertEquals(9, reopened.nextOffset());
      assertEquals(7, reopened.lastAppliedIndex());
      assertEquals(9, reopened.append(TestBatches.header(4, 1, 4_000, 4_000, TestBatches.payload(4, 10)),
          TestBatches.payload(4, 10), 8, 2).baseOffset(), "single-batch entries follow on");
    }
  }

  @Test
  void aRefusedBatchFailsAloneAndTheOthersOfItsEntryAreStored() {
    try (PartitionLog log = PartitionLog.open(dir, SMALL)) {
      ByteBuffer corruptPayload = TestBatches.payload(9, 100);
      BatchHeader wrongCrc = TestBatches.header(9, 1, 1, 1, TestBatches.payload(10, 100));
      List<AppendOutcome> outcomes = log.appendAll(List.of(
          idempotent(0, 0, 3),
          idempotent(0, 0, 3), // the same batch again, e.g. a retry that queued behind the original
          idempotent(0, 5, 1), // a gap: sequence 3 is next
          new BatchAppend(wrongCrc, corruptPayload, 0),
          idempotent(0, 3, 2)), 1, 1);

      assertEquals(0, outcomes.get(0).stored().baseOffset());
      assertNull(outcomes.get(1).stored());
      assertNull(outcomes.get(1).refused());
      assertEquals(0, outcomes.get(1).duplicateOf(), "the retry gets the original's offset");
      assertInstanceOf(OutOfOrderSequenceException.class, outcomes.get(2).refused());
      assertInstanceOf(CorruptBatchException.class, outcomes.get(3).refused());
      assertEquals(3, outcomes.get(4).stored().baseOffset());
      assertEquals(5, log.nextOffset());
      assertEquals(1, log.lastAppliedIndex());
      assertEquals(4, log.producerEntry(PRODUCER).lastSequence());
    }
  }

  @Test
  void anEntryWhoseBatchesAreAllRefusedIsStillRecorded() {
    try (PartitionLog log = PartitionLog.open(dir, SMALL)) {
      AtomicInteger signals = new AtomicInteger();
      log.setAppendListener(next -> signals.incrementAndGet());
      List<AppendOutcome> outcomes = log.appendAll(List.of(idempotent(0, 4, 1), idempotent(0, 6, 1)), 3, 1);
      outcomes.forEach(o -> assertInstanceOf(OutOfOrderSequenceException.class, o.refused()));
      assertEquals(0, log.nextOffset());
      assertEquals(3, log.lastAppliedIndex(), "a replay must not apply the entry again");
      assertEquals(0, signals.get());
    }
  }

  @Test
  void anEntryThatDoesNotFitStoresNoneOfItsBatches() {
    LogConfig tiny = new LogConfig(1 << 20, 1 << 20, 1);
    try (PartitionLog log = PartitionLog.open(dir, tiny)) {
      log.appendAll(List.of(batch(1, 1, 1)), 1, 1);
      List<BatchAppend> tooMuch = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        ByteBuffer payload = TestBatches.payload(100 + i, 100_000);
        tooMuch.add(new BatchAppend(TestBatches.header(100 + i, 1, 1, 1, payload), payload, 0));
      }
      assertThrows(StorageFullException.class, () -> log.appendAll(tooMuch, 2, 1));
      assertEquals(1, log.nextOffset(), "all or nothing");
      assertEquals(1, log.lastAppliedIndex());
      assertEquals(1, log.read(0, 1 << 20).size());
    }
  }
}
