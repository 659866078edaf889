package dev.runnel.storage;

import static dev.runnel.storage.TestBatches.append;
import static dev.runnel.storage.TestBatches.assertIntact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage side of compaction: rewriting and removing batches in place, and reading across the gaps. */
class PartitionLogCompactionTest {
  private static final LogConfig SMALL = new LogConfig(1 << 20, 64 << 20, 1);

  @TempDir Path dir;
  private PartitionLog log;

  @BeforeEach
  void open() {
    log = PartitionLog.open(dir, SMALL);
    for (int seed = 0; seed < 5; seed++) {
      append(log, seed, 10, 100, seed); // batches at 0, 10, 20, 30, 40
    }
  }

  @AfterEach
  void close() {
    log.close();
  }

  /** Removes the batches whose base offset is listed, shrinks the others to their first {@code keepBytes} bytes. */
  private static PartitionLog.BatchRewriter removeOrShrink(int keepBytes, long... removed) {
    return (header, payload) -> {
      for (long base : removed) {
        if (header.baseOffset() == base) {
          return ByteBuffer.allocate(0);
        }
      }
      return keepBytes < 0 ? null : payload.duplicate().limit(payload.position() + keepBytes).slice();
    };
  }

  @Test
  void removedBatchesLeaveGapsThatReadsSkip() {
    long sizeBefore = log.sizeBytes();
    CompactionChunk chunk = log.compactBatches(0, 40, 100, removeOrShrink(-1, 0, 20));
    assertEquals(new CompactionChunk(40, true, 4, 4L * (BatchHeader.SIZE_BYTES + 100), 0, 2,
        2L * (BatchHeader.SIZE_BYTES + 100)), chunk);
    assertEquals(sizeBefore - 2L * (BatchHeader.SIZE_BYTES + 100), log.sizeBytes());
    assertEquals(0, log.logStartOffset());
    assertEquals(50, log.nextOffset());
    assertEquals(List.of(10L, 30L, 40L), baseOffsets(log.read(0, 1 << 20)), "from the log start, in a gap");
    assertEquals(List.of(30L, 40L), baseOffsets(log.read(25, 1 << 20)), "from inside a gap");
    assertEquals(List.of(10L, 30L, 40L), baseOffsets(log.read(15, 1 << 20)));
    log.read(0, 1 << 20).forEach(TestBatches::assertIntact);
    assertEquals(10, log.readForReplica(0, 1 << 20).batches().get(0).header().baseOffset());
  }

  @Test
  void aShrunkBatchKeepsItsHeaderAndOffsetSpanWithANewCrc() {
    BatchHeader before = log.read(10, 1).get(0).header();
    log.compactBatches(10, 20, 100, removeOrShrink(30));
    StoredBatch after = log.read(10, 1).get(0);
    assertEquals(30, after.payload().remaining());
    assertEquals(Crc32c.of(after.payload()), after.header().crc32c());
    assertNotEquals(before.crc32c(), after.header().crc32c());
    assertEquals(before, new BatchHeader(after.header().baseOffset(), after.header().recordCount(),
        after.header().firstTimestampMs(), after.header().maxTimestampMs(), after.header().producerId(),
        after.header().producerEpoch(), after.header().baseSequence(), after.header().codec(),
        after.header().appendTimeMs(), before.crc32c()), "everything but the CRC is as it was");
    assertEquals(TestBatches.payload(1, 100).limit(30), after.payload());
    assertIntact(log.read(0, 1).get(0));
    assertIntact(log.read(20, 1).get(0));
  }

  @Test
  void chunksStopAtTheLimitAndTheEndOffset() {
    CompactionChunk first = log.compactBatches(0, 40, 3, removeOrShrink(-1, 10));
    assertFalse(first.done());
    assertEquals(30, first.nextOffset());
    assertEquals(3, first.batchesRead());
    CompactionChunk second = log.compactBatches(first.nextOffset(), 40, 3, removeOrShrink(-1, 40));
    assertTrue(second.done());
    assertEquals(1, second.batchesRead(), "the batch at 40 is at the end offset: not examined");
    assertEquals(List.of(0L, 20L, 30L, 40L), baseOffsets(log.read(0, 1 << 20)));
  }

  @Test
  void aRewriteThatIsNotSmallerIsNotStored() {
    byte[] original = log.read(0, 1).get(0).toStoredBytes();
    CompactionChunk chunk = log.compactBatches(0, 10, 10, (header, payload) -> ByteBuffer.allocate(100));
    assertEquals(0, chunk.batchesRewritten());
    assertEquals(0, chunk.bytesFreed());
    assertEquals(ByteBuffer.wrap(original), ByteBuffer.wrap(log.read(0, 1).get(0).toStoredBytes()));
  }

  @Test
  void compactedStateSurvivesReopeningAndAppendsContinue() {
    log.compactBatches(0, 40, 100, removeOrShrink(40, 10));
    long size = log.sizeBytes();
    log.close();
    log = PartitionLog.open(dir, SMALL);
    assertEquals(size, log.sizeBytes());
    assertEquals(50, log.nextOffset());
    assertEquals(List.of(0L, 20L, 30L, 40L), baseOffsets(log.read(0, 1 << 20)));
    assertEquals(50, append(log, 9, 2, 10, 9).baseOffset());
    assertEquals(10, log.lastAppliedIndex(), "compaction leaves the Raft position alone");
  }

  @Test
  void retentionStillWorksAcrossGaps() {
    log.compactBatches(0, 40, 100, removeOrShrink(-1, 0, 10));
    assertEquals(25, log.truncateBefore(25, 100, 1));
    assertEquals(List.of(20L, 30L, 40L), baseOffsets(log.read(25, 1 << 20)));
    assertThrows(OffsetOutOfRangeException.class, () -> log.read(24, 100));
  }

  @Test
  void repairRefusesACopyThatWasCompactedDifferently() {
    StoredBatch original = log.read(10, 1).get(0);
    log.compactBatches(10, 20, 100, removeOrShrink(30));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.repairBatch(original));
    assertTrue(e.getMessage().contains("holds no batch of"), e.getMessage());
  }

  @Test
  void aFailingRewriteAppliesNothingOfItsChunk() {
    long size = log.sizeBytes();
    assertThrows(IllegalStateException.class, () -> log.compactBatches(0, 40, 100, (header, payload) -> {
      if (header.baseOffset() == 20) {
        throw new IllegalStateException("stop");
      }
      return ByteBuffer.allocate(0);
    }));
    assertEquals(size, log.sizeBytes());
    assertEquals(List.of(0L, 10L, 20L, 30L, 40L), baseOffsets(log.read(0, 1 << 20)));
  }

  @Test
  void noCompactionDuringACatchUpOrBeyondTheLogsEnd() {
    StorageException beyond =
        assertThrows(StorageException.class, () -> log.compactBatches(0, 51, 100, removeOrShrink(-1, 0)));
    assertTrue(beyond.getMessage().contains("compaction waits for a later pass"), beyond.getMessage());
    log.beginCatchUp();
    assertThrows(StorageException.class, () -> log.compactBatches(0, 40, 100, removeOrShrink(-1, 0)));
    log.abandonCatchUp();
    assertEquals(1, log.compactBatches(0, 40, 100, removeOrShrink(-1, 0)).batchesDeleted());
  }

  private static List<Long> baseOffsets(List<StoredBatch> batches) {
    return batches.stream().map(b -> b.header().baseOffset()).toList();
  }
}
