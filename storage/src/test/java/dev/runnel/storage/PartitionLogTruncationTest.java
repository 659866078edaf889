package dev.runnel.storage;

import static dev.runnel.storage.TestBatches.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTruncationTest {
  private static final LogConfig SMALL = new LogConfig(1 << 20, 64 << 20, 1);
  private static final int PAYLOAD_BYTES = 100;
  private static final int BATCH_BYTES = BatchHeader.SIZE_BYTES + PAYLOAD_BYTES;

  @TempDir Path dir;
  private PartitionLog log;

  @BeforeEach
  void open() {
    log = PartitionLog.open(dir, SMALL);
  }

  @AfterEach
  void close() {
    log.close();
  }

  /** Ten batches of five records: batch i holds offsets 5i..5i+4, max timestamp 1000 + i, Raft index i + 1. */
  private void appendTenBatches() {
    for (int seed = 0; seed < 10; seed++) {
      append(log, seed, 5, PAYLOAD_BYTES, 1000 + seed);
    }
  }

  @Test
  void deletesWholeBatchesBelowTheNewStart() {
    appendTenBatches();
    assertEquals(15, log.truncateBefore(15, 11, 1));
    assertEquals(15, log.logStartOffset());
    assertEquals(50, log.nextOffset());
    assertEquals(7L * BATCH_BYTES, log.sizeBytes());
    assertEquals(11, log.lastAppliedIndex());
    assertEquals(1, log.lastAppliedTerm());
    List<StoredBatch> all = log.read(15, Integer.MAX_VALUE);
    assertEquals(7, all.size());
    assertEquals(15, all.get(0).header().baseOffset());
    all.forEach(TestBatches::assertIntact);
    assertEquals(List.of(15L, 20L), log.oldestBatches(2).stream().map(b -> b.header().baseOffset()).toList());
  }

  @Test
  void keepsABatchStraddlingTheNewStartButRefusesReadsBelowIt() {
    appendTenBatches();
    assertEquals(17, log.truncateBefore(17, 11, 1));
    assertEquals(17, log.logStartOffset());
    assertEquals(7L * BATCH_BYTES, log.sizeBytes(), "the batch 15..19 stays stored and counted");
    OffsetOutOfRangeException below = assertThrows(OffsetOutOfRangeException.class, () -> log.read(16, 1000));
    assertEquals(17, below.getLogStartOffset());
    assertEquals(50, below.getNextOffset());
    assertTrue(below.getMessage().contains("[17, 50]"), below.getMessage());
    assertThrows(OffsetOutOfRangeException.class, () -> log.read(0, 1000));
    List<StoredBatch> fromStart = log.read(17, BATCH_BYTES);
    assertEquals(15, fromStart.get(0).header().baseOffset(), "whole batches are returned, as for any offset");
    assertEquals(15, log.oldestBatches(1).get(0).header().baseOffset());
  }

  @Test
  void offsetForTimestampNeverAnswersBelowTheLogStart() {
    appendTenBatches();
    log.truncateBefore(17, 11, 1);
    assertEquals(17, log.offsetForTimestamp(Long.MIN_VALUE));
    assertEquals(17, log.offsetForTimestamp(1002), "timestamp of a deleted batch");
    assertEquals(17, log.offsetForTimestamp(1003), "the straddling batch 15..19 is clamped to the start");
    assertEquals(20, log.offsetForTimestamp(1004));
    assertEquals(45, log.offsetForTimestamp(1009));
    assertEquals(-1, log.offsetForTimestamp(1010));
  }

  @Test
  void timestampLookupAfterTruncationDoesNotSkipKeptBatchesBehindADeletedMaximum() {
    append(log, 0, 10, 8, 500); // offsets 0..9, deleted below
    append(log, 1, 10, 8, 100); // offsets 10..19, kept; it never raised the running maximum
    append(log, 2, 10, 8, 600); // offsets 20..29
    log.truncateBefore(10, 4, 1);
    assertEquals(10, log.offsetForTimestamp(50), "kept batch with max 100 must be found");
    assertEquals(10, log.offsetForTimestamp(500), "early rather than late when the deleted max covers it");
    assertEquals(20, log.offsetForTimestamp(501));
    log.close();
    log = PartitionLog.open(dir, SMALL);
    assertEquals(10, log.offsetForTimestamp(50), "the same after reopen");
    assertEquals(20, log.offsetForTimestamp(600));
  }

  @Test
  void truncationSurvivesReopen() {
    appendTenBatches();
    log.recordApplied(11, 2);
    log.truncateBefore(22, 12, 2);
    log.close();
    log = PartitionLog.open(dir, SMALL);
    assertEquals(22, log.logStartOffset());
    assertEquals(50, log.nextOffset());
    assertEquals(6L * BATCH_BYTES, log.sizeBytes());
    assertEquals(12, log.lastAppliedIndex());
    assertEquals(2, log.lastAppliedTerm());
    assertThrows(OffsetOutOfRangeException.class, () -> log.read(21, 1000));
    assertEquals(6, log.read(22, Integer.MAX_VALUE).size());
    ByteBuffer payload = TestBatches.payload(20, PAYLOAD_BYTES);
    assertEquals(50, log.append(TestBatches.header(20, 1, 2000, 2000, payload), payload, 13, 2).baseOffset(),
        "appends continue after reopen");
    assertEquals(50, log.offsetForTimestamp(2000));
  }

  @Test
  void appliedIndexMustAdvanceAndARefusedTruncationChangesNothing() {
    appendTenBatches(); // last applied index 10
    assertThrows(IllegalStateException.class, () -> log.truncateBefore(20, 10, 1));
    assertThrows(IllegalStateException.class, () -> log.truncateBefore(20, 11, 0));
    assertThrows(IllegalArgumentException.class, () -> log.truncateBefore(-1, 11, 1));
    assertEquals(0, log.logStartOffset());
    assertEquals(10L * BATCH_BYTES, log.sizeBytes());
    assertEquals(10, log.lastAppliedIndex());
    log.truncateBefore(20, 11, 1);
    assertThrows(IllegalStateException.class, () -> append(log, 10, 1, PAYLOAD_BYTES, 0), "Raft index 11 again");
  }

  @Test
  void offsetAtOrBelowTheStartOnlyRecordsTheAppliedEntry() {
    appendTenBatches();
    log.truncateBefore(20, 11, 1);
    assertEquals(20, log.truncateBefore(20, 12, 1));
    assertEquals(20, log.truncateBefore(3, 13, 2), "the start never moves backwards");
    assertEquals(20, log.logStartOffset());
    assertEquals(6L * BATCH_BYTES, log.sizeBytes());
    assertEquals(13, log.lastAppliedIndex());
    assertEquals(2, log.lastAppliedTerm());
  }

  @Test
  void truncatingAnEmptyLogKeepsItAtZero() {
    assertEquals(0, log.truncateBefore(5, 1, 1), "min(5, nextOffset 0)");
    assertEquals(0, log.logStartOffset());
    assertEquals(1, log.lastAppliedIndex());
    assertEquals(0, append(log, 1, 1, PAYLOAD_BYTES, 0).baseOffset());
  }

  @Test
  void offsetBeyondTheEndClampsToNextOffsetAndEmptiesTheLog() {
    appendTenBatches();
    assertEquals(50, log.truncateBefore(1_000, 11, 1));
    assertEquals(50, log.logStartOffset());
    assertEquals(50, log.nextOffset());
    assertEquals(0, log.sizeBytes());
    assertEquals(List.of(), log.oldestBatches(10));
    assertEquals(List.of(), log.read(50, 1000));
    assertThrows(OffsetOutOfRangeException.class, () -> log.read(49, 1000));
    assertEquals(-1, log.offsetForTimestamp(Long.MIN_VALUE), "no batch, no time index entry");

    assertEquals(50, append(log, 11, 2, PAYLOAD_BYTES, 5).baseOffset(), "an older timestamp is indexed again");
    assertEquals(50, log.offsetForTimestamp(0));
    assertEquals(1, log.read(50, 1000).size());
    log.close();
    log = PartitionLog.open(dir, SMALL);
    assertEquals(50, log.logStartOffset());
    assertEquals(52, log.nextOffset());
    assertEquals(BATCH_BYTES, log.sizeBytes());
  }

  @Test
  void oldestBatchesReturnsHeadersAndSizesInOffsetOrderUpToTheLimit() {
    for (int seed = 0; seed < 5; seed++) {
      append(log, seed, 1 + seed, 10 * (seed + 1), 100 + seed);
    }
    List<StoredBatchInfo> three = log.oldestBatches(3);
    assertEquals(List.of(0L, 1L, 3L), three.stream().map(b -> b.header().baseOffset()).toList());
    assertEquals(List.of(BatchHeader.SIZE_BYTES + 10, BatchHeader.SIZE_BYTES + 20, BatchHeader.SIZE_BYTES + 30),
        three.stream().map(StoredBatchInfo::sizeBytes).toList());
    assertEquals(1L, three.get(1).header().producerId(), "the stored header, seed in producerId");
    assertEquals(102, three.get(2).header().maxTimestampMs());
    assertEquals(5, log.oldestBatches(100).size());
    assertEquals(log.sizeBytes(), log.oldestBatches(100).stream().mapToLong(StoredBatchInfo::sizeBytes).sum());
    assertThrows(IllegalArgumentException.class, () -> log.oldestBatches(0));
    assertThrows(IllegalArgumentException.class, () -> log.oldestBatches(-1));
  }

  @Test
  void retentionDecisionAppliedThroughTruncation() {
    appendTenBatches(); // max timestamps 1000..1009
    long cutoff = RetentionPolicy.retentionCutoff(log.oldestBatches(4), log.sizeBytes(), 5, RetentionPolicy.UNLIMITED,
        1010, log.nextOffset());
    assertEquals(20, cutoff, "batches 0..3 are older than 5 ms; only 4 were looked at");
    assertEquals(20, log.truncateBefore(cutoff, 11, 1));
    cutoff = RetentionPolicy.retentionCutoff(log.oldestBatches(4), log.sizeBytes(), 5, RetentionPolicy.UNLIMITED,
        1010, log.nextOffset());
    assertEquals(25, cutoff, "batch 5 (max 1005) is exactly 5 ms old and stays");
  }
}
