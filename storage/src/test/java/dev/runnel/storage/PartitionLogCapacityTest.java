package dev.runnel.storage;

import static dev.runnel.storage.TestBatches.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogCapacityTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  @Test
  void mapGrowsOnDemandAndKeepsEverythingReadable() {
    try (PartitionLog log = PartitionLog.open(dir, new LogConfig(MIB, 256L * MIB, 1))) {
      long initialMapBytes = log.mapSizeBytes();
      int batches = 100;
      int payloadBytes = 100 * 1024; // ~10 MiB in total, ten times the initial map
      for (int seed = 0; seed < batches; seed++) {
        append(log, seed, 3, payloadBytes, seed);
      }
      assertTrue(log.mapSizeBytes() >= 10L * MIB, "map grew from " + initialMapBytes + " to " + log.mapSizeBytes());
      assertEquals(3L * batches, log.nextOffset());
      assertEquals((long) batches * (BatchHeader.SIZE_BYTES + payloadBytes), log.sizeBytes());
      List<StoredBatch> all = log.read(0, Integer.MAX_VALUE);
      assertEquals(batches, all.size());
      all.forEach(TestBatches::assertIntact);
    }
  }

  @Test
  void fullMapAtMaximumRefusesTheAppendAndLeavesTheLogUnchanged() {
    int payloadBytes = 64 * 1024;
    try (PartitionLog log = PartitionLog.open(dir, new LogConfig(MIB, MIB, 1))) {
      long mapBytes = log.mapSizeBytes();
      StorageFullException full = null;
      for (int seed = 0; seed < 32 && full == null; seed++) { // 32 x 64 KiB cannot fit in 1 MiB
        try {
          append(log, seed, 1, payloadBytes, seed);
        } catch (StorageFullException e) {
          full = e;
        }
      }
      assertTrue(full != null, "a 1 MiB map must fill up");
      assertTrue(full.getMessage().contains("mapSizeMaxBytes " + MIB), full.getMessage());
      long nextOffset = log.nextOffset();
      long sizeBytes = log.sizeBytes();
      long appliedIndex = log.lastAppliedIndex();
      assertTrue(nextOffset > 0);
      assertEquals(nextOffset, appliedIndex, "seed i is Raft index i + 1 and offset i");
      assertEquals(mapBytes, log.mapSizeBytes());

      assertThrows(StorageFullException.class, () -> append(log, nextOffset, 1, payloadBytes, 0));
      StorageFullException refused =
          assertThrows(StorageFullException.class, () -> log.checkCapacity(payloadBytes + BatchHeader.SIZE_BYTES));
      assertTrue(refused.getMessage().contains("mapSizeMaxBytes"), refused.getMessage());
      assertEquals(nextOffset, log.nextOffset());
      assertEquals(sizeBytes, log.sizeBytes());
      assertEquals(appliedIndex, log.lastAppliedIndex());
      List<StoredBatch> all = log.read(0, Integer.MAX_VALUE);
      assertEquals(nextOffset, all.size());
      all.forEach(TestBatches::assertIntact);
    }
    try (PartitionLog reopened = PartitionLog.open(dir, new LogConfig(MIB, 4L * MIB, 1))) {
      long nextOffset = reopened.nextOffset();
      assertEquals(nextOffset, append(reopened, nextOffset, 1, payloadBytes, 0).baseOffset(),
          "a larger maximum lets appends continue");
    }
  }

  @Test
  void checkCapacityAcceptsWhatFitsAndRefusesWhenTheDiskWouldBeTooFull() {
    try (PartitionLog log = PartitionLog.open(dir, new LogConfig(MIB, 64L * MIB, 1))) {
      log.checkCapacity(10 * MIB);
      StorageFullException mapTooSmall = assertThrows(StorageFullException.class, () -> log.checkCapacity(64 * MIB));
      assertTrue(mapTooSmall.getMessage().contains("mapSizeMaxBytes"), mapTooSmall.getMessage());
      assertThrows(IllegalArgumentException.class, () -> log.checkCapacity(-1));
    }
    try (PartitionLog log = PartitionLog.open(dir, new LogConfig(MIB, 64L * MIB, Long.MAX_VALUE / 4))) {
      StorageFullException diskFull = assertThrows(StorageFullException.class, () -> log.checkCapacity(100));
      assertTrue(diskFull.getMessage().contains("diskFreeMinBytes"), diskFull.getMessage());
    }
  }

  @Test
  void truncationFreesPagesThatAppendsReuseInAFullMap() throws IOException {
    int payloadBytes = 64 * 1024;
    try (PartitionLog log = PartitionLog.open(dir, new LogConfig(MIB, MIB, 1))) {
      int seed = 0;
      while (seed < 64) { // fill the 1 MiB map to its maximum (64 x 64 KiB cannot fit)
        try {
          append(log, seed, 1, payloadBytes, seed);
          seed++;
        } catch (StorageFullException e) {
          break;
        }
      }
      int filled = seed;
      assertTrue(filled >= 4, "a 1 MiB map holds several 64 KiB batches, got " + filled);
      assertThrows(StorageFullException.class, () -> log.checkCapacity(payloadBytes + BatchHeader.SIZE_BYTES));
      long fileBytes = Files.size(dir.resolve("data.mdb"));

      long half = filled / 2;
      assertEquals(half, log.truncateBefore(half, filled + 1, 1));
      log.checkCapacity(payloadBytes + BatchHeader.SIZE_BYTES); // freed pages count as free again
      // Appends reuse the freed pages. A 64 KiB batch needs a contiguous run of free pages, and each append also
      // takes single pages (B-tree copy-on-write) from those runs, so fragmentation may cost one batch of the half.
      int refilled = 0;
      while (refilled <= half) {
        long raftIndex = filled + 2 + refilled; // append() uses seed + 1 as the Raft index
        try {
          assertEquals(filled + refilled, append(log, raftIndex - 1, 1, payloadBytes, 0).baseOffset());
          refilled++;
        } catch (StorageFullException e) {
          break;
        }
      }
      assertTrue(refilled >= half - 1, "freed " + half + " batches, appended " + refilled + " again");
      assertEquals(MIB, log.mapSizeBytes(), "the map did not grow");
      long fileBytesAfter = Files.size(dir.resolve("data.mdb"));
      assertTrue(fileBytesAfter >= fileBytes && fileBytesAfter <= MIB, "the file does not shrink: " + fileBytes
          + " -> " + fileBytesAfter);
      List<StoredBatch> kept = log.read(half, Integer.MAX_VALUE);
      assertEquals(filled - half + refilled, kept.size());
      kept.forEach(TestBatches::assertIntact);
      assertEquals(kept.size() * (long) (payloadBytes + BatchHeader.SIZE_BYTES), log.sizeBytes());
    }
  }
}
