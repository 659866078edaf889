package dev.runnel.storage;

import static dev.runnel.storage.TestBatches.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogCatchUpTest {
  private static final LogConfig SMALL = new LogConfig(1 << 20, 64 << 20, 1);
  private static final int PAYLOAD_BYTES = 100;
  /** Small chunks, so a catch-up takes several rounds. */
  private static final int CHUNK_BYTES = 3 * (BatchHeader.SIZE_BYTES + PAYLOAD_BYTES);

  @TempDir Path sourceDir;
  @TempDir Path targetDir;
  private PartitionLog source;
  private PartitionLog target;

  @BeforeEach
  void open() {
    source = PartitionLog.open(sourceDir, SMALL);
    target = PartitionLog.open(targetDir, SMALL);
  }

  @AfterEach
  void close() {
    source.close();
    target.close();
  }

  /** Batch i (seed i) holds offsets 5i..5i+4 and was Raft entry i + 1, on both logs alike. */
  private static void appendBatches(PartitionLog log, int from, int to) {
    for (int seed = from; seed < to; seed++) {
      append(log, seed, 5, PAYLOAD_BYTES, 1000 + seed);
    }
  }

  /** The loop a replica runs: pull chunks until one ends at the source's next offset, then finish. */
  private void catchUp() {
    target.beginCatchUp();
    while (true) {
      long from = target.nextOffset();
      ReplicaChunk chunk = source.readForReplica(from, CHUNK_BYTES);
      chunk.batches().forEach(target::appendCaughtUp);
      if (chunk.endOffset(from) >= chunk.nextOffset()) {
        target.finishCatchUp(
            chunk.logStartOffset(), chunk.lastAppliedIndex(), chunk.lastAppliedTerm(), chunk.producers());
        return;
      }
    }
  }

  private static void assertSameLog(PartitionLog expected, PartitionLog actual) {
    assertEquals(expected.logStartOffset(), actual.logStartOffset(), "log start");
    assertEquals(expected.nextOffset(), actual.nextOffset(), "next offset");
    assertEquals(expected.lastAppliedIndex(), actual.lastAppliedIndex(), "applied index");
    assertEquals(expected.lastAppliedTerm(), actual.lastAppliedTerm(), "applied term");
    assertEquals(expected.sizeBytes(), actual.sizeBytes(), "size");
    List<StoredBatch> want = expected.read(expected.logStartOffset(), Integer.MAX_VALUE);
    List<StoredBatch> got = actual.read(actual.logStartOffset(), Integer.MAX_VALUE);
    assertEquals(want, got);
    assertEquals(expected.offsetForTimestamp(1005), actual.offsetForTimestamp(1005), "time index");
  }

  @Test
  void copiesTheMissingTailInChunks() {
    appendBatches(source, 0, 12);
    appendBatches(target, 0, 4);

    catchUp();

    assertSameLog(source, target);
    assertEquals(60, target.nextOffset());
    // The caught-up log goes on with the next Raft entry like any other replica.
    append(target, 12, 5, PAYLOAD_BYTES, 2000);
    assertEquals(65, target.nextOffset());
  }

  @Test
  void skipsOffsetsTheSourceDeletedAndDropsTheStaleHead() {
    appendBatches(source, 0, 12);
    source.truncateBefore(42, 13, 2); // batches 0..7 gone, 8 straddles the new start
    appendBatches(target, 0, 3);

    catchUp();

    assertSameLog(source, target);
    assertEquals(42, target.logStartOffset());
    assertThrows(OffsetOutOfRangeException.class, () -> target.read(10, 1000));
  }

  @Test
  void aCatchUpInterruptedByACrashIsRolledBackOnOpen() {
    appendBatches(source, 0, 12);
    appendBatches(target, 0, 4);
    long sizeBefore = target.sizeBytes();
    target.beginCatchUp();
    ReplicaChunk chunk = source.readForReplica(target.nextOffset(), CHUNK_BYTES);
    chunk.batches().forEach(target::appendCaughtUp);
    assertEquals(35, target.nextOffset());
    target.close();

    target = PartitionLog.open(targetDir, SMALL);

    assertEquals(20, target.nextOffset());
    assertEquals(4, target.lastAppliedIndex());
    assertEquals(sizeBefore, target.sizeBytes());
    assertEquals(4, target.read(0, Integer.MAX_VALUE).size());
    assertEquals(15, target.offsetForTimestamp(1003));
    assertEquals(-1, target.offsetForTimestamp(1004), "time index entries of copied batches are gone");
    // Raft replays entry 5 next, and it lands where it belongs.
    assertEquals(20, append(target, 4, 5, PAYLOAD_BYTES, 1004).baseOffset());
    assertThrows(IllegalStateException.class, () -> target.finishCatchUp(0, 99, 1, Map.of()), "no catch-up in progress");
  }

  @Test
  void refusesCopiesOutsideACatchUpOverlappingOrCorrupt() {
    appendBatches(source, 0, 6);
    appendBatches(target, 0, 4);
    StoredBatch fourth = source.read(15, 1).get(0);
    StoredBatch fifth = source.read(20, 1).get(0);

    assertThrows(IllegalStateException.class, () -> target.appendCaughtUp(fifth));
    target.beginCatchUp();
    assertThrows(IllegalArgumentException.class, () -> target.appendCaughtUp(fourth));
    ByteBuffer damaged = ByteBuffer.allocate(PAYLOAD_BYTES).put(fifth.payload().duplicate()).flip();
    damaged.put(7, (byte) (damaged.get(7) ^ 1));
    assertThrows(CorruptBatchException.class, () -> target.appendCaughtUp(new StoredBatch(fifth.header(), damaged)));
    assertEquals(20, target.nextOffset());
    assertThrows(IllegalStateException.class, () -> target.finishCatchUp(0, 4, 1, Map.of()), "applied index must advance");
  }

  @Test
  void anAbandonedCatchUpLeavesTheLogAsBefore() {
    appendBatches(source, 0, 12);
    appendBatches(target, 0, 4);
    target.beginCatchUp();
    source.readForReplica(target.nextOffset(), CHUNK_BYTES).batches().forEach(target::appendCaughtUp);

    target.abandonCatchUp();

    assertEquals(20, target.nextOffset());
    assertEquals(4, target.read(0, Integer.MAX_VALUE).size());
    assertEquals(20, append(target, 4, 5, PAYLOAD_BYTES, 1004).baseOffset());
    target.abandonCatchUp(); // nothing in progress: no change
    assertEquals(25, target.nextOffset());
  }

  @Test
  void storedBytesRoundTripAndAreChecked() {
    appendBatches(source, 0, 1);
    StoredBatch batch = source.read(0, 1).get(0);
    byte[] stored = batch.toStoredBytes();
    assertEquals(batch, StoredBatch.fromStoredBytes(ByteBuffer.wrap(stored)));
    stored[stored.length - 1] ^= 1;
    assertThrows(CorruptBatchException.class, () -> StoredBatch.fromStoredBytes(ByteBuffer.wrap(stored)));
  }
}
