package dev.runnel.storage;

import static dev.runnel.storage.TestBatches.append;
import static dev.runnel.storage.TestBatches.assertIntact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

class PartitionLogTest {
  private static final LogConfig SMALL = new LogConfig(1 << 20, 64 << 20, 1);

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

  @Test
  void newLogIsEmpty() {
    assertEquals(0, log.nextOffset());
    assertEquals(0, log.logStartOffset());
    assertEquals(-1, log.lastAppliedIndex());
    assertEquals(-1, log.lastAppliedTerm());
    assertEquals(0, log.sizeBytes());
    assertEquals(List.of(), log.read(0, 1000));
    assertEquals(-1, log.offsetForTimestamp(0));
  }

  @Test
  void assignsDenseOffsetsInOrder() {
    long expectedBase = 0;
    long expectedSize = 0;
    for (int seed = 0; seed < 50; seed++) {
      int recordCount = 1 + seed % 4;
      BatchHeader stored = append(log, seed, recordCount, 10 + seed, seed);
      assertEquals(expectedBase, stored.baseOffset());
      expectedBase += recordCount;
      expectedSize += BatchHeader.SIZE_BYTES + 10 + seed;
      assertEquals(expectedBase, log.nextOffset());
      assertEquals(seed + 1, log.lastAppliedIndex());
    }
    assertEquals(expectedSize, log.sizeBytes());
    List<StoredBatch> all = log.read(0, Integer.MAX_VALUE);
    assertEquals(50, all.size());
    long next = 0;
    for (StoredBatch batch : all) {
      assertEquals(next, batch.header().baseOffset());
      assertIntact(batch);
      assertTrue(batch.payload().isReadOnly());
      next = batch.header().lastOffset() + 1;
    }
    assertEquals(log.nextOffset(), next);
  }

  @Test
  void readStartsAtTheBatchContainingAMidBatchOffsetAndHonoursMaxBytes() {
    for (int seed = 0; seed < 10; seed++) {
      append(log, seed, 5, 100, seed); // batch i holds offsets 5i..5i+4, stored size 100 + header
    }
    int batchBytes = BatchHeader.SIZE_BYTES + 100;
    List<StoredBatch> fromMid = log.read(12, 3 * batchBytes);
    assertEquals(List.of(10L, 15L, 20L), fromMid.stream().map(b -> b.header().baseOffset()).toList());
    assertEquals(batchBytes, fromMid.get(0).sizeBytes());
    assertEquals(2, log.read(12, 3 * batchBytes - 1).size(), "a batch that would pass maxBytes is left out");
    assertEquals(1, log.read(49, 1).size(), "the first batch comes even if larger than maxBytes");
    assertEquals(45, log.read(49, 1).get(0).header().baseOffset());
    assertEquals(10, log.read(0, Integer.MAX_VALUE).size());
    assertEquals(List.of(), log.read(50, 1000));
    assertThrows(IllegalArgumentException.class, () -> log.read(0, 0));
  }

  @Test
  void scansTheWholeLogInMaxBytesSteps() {
    for (int seed = 0; seed < 200; seed++) {
      append(log, seed, 1 + seed % 7, seed * 13 % 500, seed);
    }
    long offset = 0;
    int batches = 0;
    while (offset < log.nextOffset()) {
      List<StoredBatch> page = log.read(offset, 2000);
      assertTrue(page.size() == 1 || page.stream().mapToInt(StoredBatch::sizeBytes).sum() <= 2000);
      for (StoredBatch batch : page) {
        assertEquals(offset, batch.header().baseOffset());
        assertIntact(batch);
        offset = batch.header().lastOffset() + 1;
        batches++;
      }
    }
    assertEquals(200, batches);
  }

  @Test
  void outOfRangeCarriesTheValidRange() {
    append(log, 0, 3, 10, 0);
    OffsetOutOfRangeException above = assertThrows(OffsetOutOfRangeException.class, () -> log.read(4, 100));
    assertEquals(4, above.getOffset());
    assertEquals(0, above.getLogStartOffset());
    assertEquals(3, above.getNextOffset());
    OffsetOutOfRangeException below = assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 100));
    assertEquals(-1, below.getOffset());
    assertTrue(below.getMessage().contains("[0, 3]"), below.getMessage());
  }

  @Test
  void crcMismatchOnAppendLeavesTheLogUnchanged() {
    append(log, 0, 2, 10, 0);
    ByteBuffer payload = TestBatches.payload(1, 10);
    BatchHeader good = TestBatches.header(1, 2, 5, 5, payload);
    BatchHeader bad = new BatchHeader(-1, 2, 5, 5, 1, (short) 0, 0, (byte) 0, 0, good.crc32c() ^ 1);
    assertThrows(CorruptBatchException.class, () -> log.append(bad, payload, 2, 1));
    assertEquals(0, payload.position());
    assertEquals(2, log.nextOffset());
    assertEquals(1, log.lastAppliedIndex());
    assertEquals(BatchHeader.SIZE_BYTES + 10, log.sizeBytes());
    assertEquals(1, log.read(0, 10_000).size());
    assertEquals(2, log.append(good, payload, 2, 1).baseOffset());
  }

  @Test
  void rejectsEmptyBatchesAndRaftEntriesAppliedTwiceOrOutOfOrder() {
    ByteBuffer payload = TestBatches.payload(0, 4);
    assertThrows(IllegalArgumentException.class,
        () -> log.append(TestBatches.header(0, 0, 0, 0, payload), payload, 1, 1));
    append(log, 4, 1, 4, 0); // Raft index 5
    assertThrows(IllegalStateException.class, () -> append(log, 3, 1, 4, 0));
    assertThrows(IllegalStateException.class, () -> log.recordApplied(5, 1));
    assertThrows(IllegalStateException.class, () -> log.recordApplied(6, 0));
    assertEquals(1, log.nextOffset());
  }

  @Test
  void corruptStoredBatchFailsTheReadNamingItsBaseOffset() {
    append(log, 0, 2, 64, 0);
    append(log, 1, 3, 64, 0);
    log.close();
    overwriteStoredByte(2, BatchHeader.SIZE_BYTES + 5); // a payload byte of the batch at base offset 2
    log = PartitionLog.open(dir, SMALL);
    assertEquals(1, log.read(0, 64 + BatchHeader.SIZE_BYTES).size(), "the intact batch is still readable");
    CorruptBatchException e = assertThrows(CorruptBatchException.class, () -> log.read(3, 1000));
    assertTrue(e.getMessage().contains("base offset 2"), e.getMessage());
    assertThrows(CorruptBatchException.class, () -> log.read(0, 10_000));

    log.close();
    overwriteStoredByte(0, 0); // the magic byte of the batch at base offset 0
    log = PartitionLog.open(dir, SMALL);
    CorruptBatchException badMagic = assertThrows(CorruptBatchException.class, () -> log.read(0, 1));
    assertTrue(badMagic.getMessage().contains("base offset 0"), badMagic.getMessage());
  }

  @Test
  void reopenRestoresStateAndData() {
    for (int seed = 0; seed < 20; seed++) {
      append(log, seed, 2, 100, 1000 + seed);
    }
    log.recordApplied(30, 2);
    long sizeBytes = log.sizeBytes();
    log.close();
    assertThrows(IllegalStateException.class, () -> log.read(0, 100), "a closed log refuses reads");

    log = PartitionLog.open(dir, SMALL);
    assertEquals(40, log.nextOffset());
    assertEquals(30, log.lastAppliedIndex());
    assertEquals(2, log.lastAppliedTerm());
    assertEquals(sizeBytes, log.sizeBytes());
    assertEquals(20, log.read(0, Integer.MAX_VALUE).size());
    log.read(0, Integer.MAX_VALUE).forEach(TestBatches::assertIntact);
    assertEquals(38, log.offsetForTimestamp(1019));
    ByteBuffer payload = TestBatches.payload(40, 10);
    assertEquals(40, log.append(TestBatches.header(40, 1, 2000, 2000, payload), payload, 31, 2).baseOffset());
    assertEquals(40, log.offsetForTimestamp(1020), "the time index continues after reopen");
  }

  @Test
  void offsetForTimestampFindsTheFirstBatchReachingIt() {
    // Max timestamps out of order, as producers with skewed clocks send them.
    long[] maxTimestampsMs = {100, 300, 200, 300, 250, 500, 400, 600};
    for (int i = 0; i < maxTimestampsMs.length; i++) {
      append(log, i, 10, 8, maxTimestampsMs[i]); // batch i starts at offset 10i
    }
    assertEquals(0, log.offsetForTimestamp(Long.MIN_VALUE));
    assertEquals(0, log.offsetForTimestamp(-5));
    assertEquals(0, log.offsetForTimestamp(100));
    assertEquals(10, log.offsetForTimestamp(101));
    assertEquals(10, log.offsetForTimestamp(200), "batch 2 (max 200) comes after batch 1 (max 300)");
    assertEquals(10, log.offsetForTimestamp(300));
    assertEquals(50, log.offsetForTimestamp(301));
    assertEquals(50, log.offsetForTimestamp(400));
    assertEquals(70, log.offsetForTimestamp(600));
    assertEquals(-1, log.offsetForTimestamp(601));
  }

  @Test
  void negativeTimestampsSortBeforePositiveOnes() {
    append(log, 0, 1, 8, -50);
    append(log, 1, 1, 8, 20);
    assertEquals(0, log.offsetForTimestamp(-100));
    assertEquals(1, log.offsetForTimestamp(-49));
  }

  @Test
  void appendListenerGetsNextOffsetAfterCommitAndItsFailureDoesNotFailTheAppend() {
    List<Long> seen = new ArrayList<>();
    AtomicLong readableWhenNotified = new AtomicLong(-1);
    log.setAppendListener(nextOffset -> {
      seen.add(nextOffset);
      readableWhenNotified.set(log.read(0, Integer.MAX_VALUE).size());
    });
    append(log, 0, 3, 8, 0);
    append(log, 1, 2, 8, 0);
    assertEquals(List.of(3L, 5L), seen);
    assertEquals(2, readableWhenNotified.get(), "the batch is readable when the listener runs");
    log.setAppendListener(nextOffset -> {
      throw new IllegalStateException("listener bug");
    });
    append(log, 2, 1, 8, 0);
    assertEquals(6, log.nextOffset());
  }

  @Test
  void syncAndRecordAppliedWithoutData() {
    log.recordApplied(7, 3);
    log.sync();
    assertEquals(7, log.lastAppliedIndex());
    assertEquals(3, log.lastAppliedTerm());
    assertEquals(0, log.nextOffset());
  }

  /** Flips one byte of a stored value through a raw LMDB env, as disk corruption would. */
  private void overwriteStoredByte(long baseOffset, int index) {
    try (Env<ByteBuffer> env = Env.create().setMaxDbs(4).open(dir.toFile(), EnvFlags.MDB_NOTLS)) {
      Dbi<ByteBuffer> raw = env.openDbi(LogEnv.LOG_DB);
      ByteBuffer key = Keys.encodeLong(Keys.newLongBuffer(), baseOffset);
      try (Txn<ByteBuffer> txn = env.txnWrite()) {
        ByteBuffer stored = raw.get(txn, key);
        ByteBuffer copy = ByteBuffer.allocateDirect(stored.remaining()).put(stored).flip();
        copy.put(index, (byte) (copy.get(index) ^ 0x5A));
        raw.put(txn, key, copy);
        txn.commit();
      }
    }
  }
}
