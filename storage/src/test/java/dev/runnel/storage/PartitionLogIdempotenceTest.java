package dev.runnel.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogIdempotenceTest {
  private static final LogConfig SMALL = new LogConfig(1 << 20, 64 << 20, 1);
  private static final long PRODUCER = 42;

  @TempDir Path dir;
  private PartitionLog log;
  private long raftIndex;

  @BeforeEach
  void open() {
    log = PartitionLog.open(dir, SMALL);
  }

  @AfterEach
  void close() {
    log.close();
  }

  /** Appends a batch of {@code records} records of producer {@code producerId} as the next Raft entry. */
  private BatchHeader append(long producerId, int epoch, int baseSequence, int records) {
    ByteBuffer payload = TestBatches.payload(baseSequence, 10);
    BatchHeader header = new BatchHeader(-1, records, 1, 1, producerId, (short) epoch, baseSequence, (byte) 0,
        1_700_000_000_000L, Crc32c.of(payload));
    return log.append(header, payload, ++raftIndex, 1);
  }

  @Test
  void aRetriedBatchIsNotWrittenTwiceAndGetsItsOriginalOffset() {
    assertEquals(0, append(PRODUCER, 0, 0, 3).baseOffset());
    assertEquals(3, append(PRODUCER, 0, 3, 2).baseOffset());

    DuplicateBatchException first = assertThrows(DuplicateBatchException.class, () -> append(PRODUCER, 0, 0, 3));
    DuplicateBatchException second = assertThrows(DuplicateBatchException.class, () -> append(PRODUCER, 0, 3, 2));

    assertEquals(0, first.getBaseOffset());
    assertEquals(3, second.getBaseOffset());
    assertEquals(5, log.nextOffset(), "nothing written twice");
    assertEquals(5, append(PRODUCER, 0, 5, 1).baseOffset());
  }

  @Test
  void gapsAndOldEpochsAreRefusedWithTheLogUnchanged() {
    append(PRODUCER, 1, 0, 2);
    assertThrows(OutOfOrderSequenceException.class, () -> append(PRODUCER, 1, 3, 1), "sequence 2 is missing");
    assertThrows(OutOfOrderSequenceException.class, () -> append(PRODUCER, 2, 5, 1), "a new epoch starts at 0");
    assertThrows(OutOfOrderSequenceException.class, () -> append(7, 0, 1, 1), "an unknown producer starts at 0");
    assertThrows(ProducerFencedException.class, () -> append(PRODUCER, 0, 2, 1), "epoch 0 is older than 1");
    assertEquals(2, log.nextOffset());

    append(PRODUCER, 2, 0, 1); // the producer's next epoch
    assertThrows(ProducerFencedException.class, () -> append(PRODUCER, 1, 2, 1), "epoch 1 is fenced now");
    assertEquals(new ProducerEntry((short) 2, 0, List.of(new ProducerEntry.Written(0, 0, 2)), 1_700_000_000_000L),
        log.producerEntry(PRODUCER));
    assertNull(log.producerEntry(7));
    // Batches without a producer id are never checked.
    append(0, 0, 0, 1);
    append(0, 0, 0, 1);
    assertEquals(5, log.nextOffset());
  }

  @Test
  void onlyTheLastFewBatchesAreRemembered() {
    for (int i = 0; i < ProducerEntry.RECENT_MAX + 1; i++) {
      append(PRODUCER, 0, i, 1);
    }
    assertThrows(DuplicateBatchException.class, () -> append(PRODUCER, 0, 1, 1));
    assertThrows(OutOfOrderSequenceException.class, () -> append(PRODUCER, 0, 0, 1), "too old to be recognised");
  }

  @Test
  void theStateSurvivesAReopenAndTravelsWithACatchUp(@TempDir Path otherDir) {
    append(PRODUCER, 3, 0, 4);
    log.close();
    log = PartitionLog.open(dir, SMALL);
    assertThrows(DuplicateBatchException.class, () -> append(PRODUCER, 3, 0, 4));

    try (PartitionLog replica = PartitionLog.open(otherDir, SMALL)) {
      replica.beginCatchUp();
      ReplicaChunk chunk = log.readForReplica(0, 1 << 20);
      chunk.batches().forEach(replica::appendCaughtUp);
      replica.finishCatchUp(chunk.logStartOffset(), chunk.lastAppliedIndex(), chunk.lastAppliedTerm(),
          chunk.producers());
      assertEquals(log.producerEntry(PRODUCER), replica.producerEntry(PRODUCER));
    }
  }

  @Test
  void anIdleProducerIsForgottenAfterTheExpirationDecidedByTheBatchsAppendTime() {
    long expirationMs = 3_600_000;
    long t0 = 1_700_000_000_000L;
    appendAt(PRODUCER, 0, 0, 2, t0, expirationMs);
    appendAt(PRODUCER, 0, 2, 1, t0 + expirationMs, expirationMs);
    assertThrows(DuplicateBatchException.class, () -> appendAt(PRODUCER, 0, 2, 1, t0 + expirationMs, expirationMs),
        "within the expiration a retry is still recognised");
    long later = t0 + 2 * expirationMs + 1;
    assertThrows(OutOfOrderSequenceException.class, () -> appendAt(PRODUCER, 0, 3, 1, later, expirationMs),
        "idle past the expiration: the sequence is no longer known");
    assertEquals(3, appendAt(PRODUCER, 1, 0, 1, later, expirationMs).baseOffset(), "a new epoch from 0 is taken");
    assertEquals(later, log.producerEntry(PRODUCER).lastAppendTimeMs());
  }

  @Test
  void expiredEntriesAreSweptFromStorage() {
    long expirationMs = 3_600_000;
    long t0 = 1_700_000_000_000L;
    appendAt(7, 0, 0, 1, t0, expirationMs);
    appendAt(PRODUCER, 0, 0, 1, t0 + expirationMs + 1, expirationMs);
    assertNull(log.producerEntry(7), "producer 7 idle past the expiration was deleted");
    assertEquals(0, log.producerEntry(PRODUCER).epoch());
  }

  private BatchHeader appendAt(long producerId, int epoch, int baseSequence, int records, long appendTimeMs,
      long expirationMs) {
    ByteBuffer payload = TestBatches.payload(baseSequence, 10);
    BatchHeader header = new BatchHeader(-1, records, 1, 1, producerId, (short) epoch, baseSequence, (byte) 0,
        appendTimeMs, Crc32c.of(payload));
    return log.append(header, payload, expirationMs, ++raftIndex, 1);
  }
}
