package dev.runnel.storage;

import static dev.runnel.storage.RetentionPolicy.UNLIMITED;
import static dev.runnel.storage.RetentionPolicy.retentionCutoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  private static final int BATCH_BYTES = 1_000;

  /** Consecutive batches of 10 records from offset 0, each BATCH_BYTES stored, with these max timestamps. */
  private static List<StoredBatchInfo> batches(long... maxTimestampsMs) {
    List<StoredBatchInfo> batches = new ArrayList<>();
    for (int i = 0; i < maxTimestampsMs.length; i++) {
      BatchHeader header = new BatchHeader(10L * i, 10, maxTimestampsMs[i], maxTimestampsMs[i], 0, (short) 0, 0,
          (byte) 0, 0, 0);
      batches.add(new StoredBatchInfo(header, BATCH_BYTES));
    }
    return batches;
  }

  @Test
  void byTimeDeletesBatchesOlderThanRetentionUpToTheFirstYoungerOne() {
    List<StoredBatchInfo> log = batches(100, 200, 300, 400, 500);
    long size = 5L * BATCH_BYTES;
    assertEquals(20, retentionCutoff(log, size, 100, UNLIMITED, 350, 50), "350-200 > 100, 350-300 is not");
    assertEquals(10, retentionCutoff(log, size, 150, UNLIMITED, 300, 50), "exactly 150 ms old is kept");
    assertEquals(0, retentionCutoff(log, size, 1_000, UNLIMITED, 350, 50));
    assertEquals(0, retentionCutoff(batches(500, 100), 2L * BATCH_BYTES, 100, UNLIMITED, 450, 100),
        "an expired batch behind a young one waits, as in Kafka");
  }

  @Test
  void bySizeKeepsAtLeastRetentionBytes() {
    List<StoredBatchInfo> log = batches(1, 2, 3, 4, 5);
    long size = 5L * BATCH_BYTES;
    assertEquals(20, retentionCutoff(log, size, UNLIMITED, 3 * BATCH_BYTES, 0, 50), "5000 -> 3000 bytes");
    assertEquals(10, retentionCutoff(log, size, UNLIMITED, 3 * BATCH_BYTES + 1, 0, 50), "never below the limit");
    assertEquals(0, retentionCutoff(log, size, UNLIMITED, size, 0, 50));
    assertEquals(40, retentionCutoff(log, size, UNLIMITED, 0, 0, 50), "all but the newest batch");
  }

  @Test
  void bySizeCountsBytesBeyondTheGivenPrefix() {
    List<StoredBatchInfo> prefix = batches(1, 2, 3); // the log holds 10 batches; only 3 are given
    assertEquals(30, retentionCutoff(prefix, 10L * BATCH_BYTES, UNLIMITED, 2 * BATCH_BYTES, 0, 100),
        "all given batches go; the next call continues from 30");
  }

  @Test
  void timeAndSizeTogetherDeleteWhatEitherAllows() {
    List<StoredBatchInfo> log = batches(100, 200, 900, 950, 990);
    long size = 5L * BATCH_BYTES;
    assertEquals(20, retentionCutoff(log, size, 500, 4 * BATCH_BYTES, 1_000, 50), "time takes two, size one");
    assertEquals(30, retentionCutoff(log, size, 500, 2 * BATCH_BYTES, 1_000, 50), "size takes three, time two");
    assertEquals(20, retentionCutoff(batches(990, 100, 990, 990), 4L * BATCH_BYTES, 500, 3 * BATCH_BYTES, 1_000,
        40), "size deletes the young first batch, which lets time delete the expired second one");
  }

  @Test
  void unlimitedDisablesEachLimit() {
    List<StoredBatchInfo> log = batches(1, 2, 3);
    assertEquals(0, retentionCutoff(log, 3L * BATCH_BYTES, UNLIMITED, UNLIMITED, Long.MAX_VALUE, 30));
    assertEquals(0, retentionCutoff(log, 3L * BATCH_BYTES, UNLIMITED, UNLIMITED, 1_000_000, 30));
    assertThrows(IllegalArgumentException.class, () -> retentionCutoff(log, 0, -2, UNLIMITED, 0, 30));
    assertThrows(IllegalArgumentException.class, () -> retentionCutoff(log, 0, UNLIMITED, -2, 0, 30));
    assertThrows(IllegalArgumentException.class, () -> retentionCutoff(log, -1, UNLIMITED, UNLIMITED, 0, 30));
  }

  @Test
  void neverDeletesTheNewestBatch() {
    List<StoredBatchInfo> log = batches(1, 2, 3);
    assertEquals(20, retentionCutoff(log, 3L * BATCH_BYTES, 0, 0, 1_000, 30));
    assertEquals(0, retentionCutoff(batches(1), BATCH_BYTES, 0, 0, 1_000, 10), "a single batch stays");
  }

  @Test
  void emptyInputStartsAtNextOffset() {
    assertEquals(70, retentionCutoff(List.of(), 0, 0, 0, 1_000, 70));
  }

  @Test
  void extremeTimestampsDoNotOverflow() {
    List<StoredBatchInfo> log = batches(Long.MIN_VALUE, Long.MAX_VALUE, 0);
    assertEquals(10, retentionCutoff(log, 3L * BATCH_BYTES, 1_000, UNLIMITED, 1_000_000, 30),
        "a timestamp from the far past is old; one from the far future is young");
  }

  @Test
  void refusesBatchesOutOfOrderOrPastNextOffset() {
    List<StoredBatchInfo> disorder = new ArrayList<>(batches(1, 2, 3));
    disorder.add(1, disorder.remove(2));
    assertThrows(IllegalArgumentException.class, () -> retentionCutoff(disorder, 0, 0, 0, 1_000, 40));
    assertThrows(IllegalArgumentException.class, () -> retentionCutoff(batches(1, 2, 3), 0, 0, 0, 1_000, 25));
  }

  @Test
  void aBatchRemovedByCompactionLeavesAGapThatRetentionSkips() {
    List<StoredBatchInfo> gap = new ArrayList<>(batches(1, 2, 3));
    gap.remove(1);
    assertEquals(20, retentionCutoff(gap, 2L * BATCH_BYTES, 0, UNLIMITED, 1_000, 30));
    assertEquals(0, retentionCutoff(gap, 2L * BATCH_BYTES, UNLIMITED, UNLIMITED, 1_000, 30));
  }
}
