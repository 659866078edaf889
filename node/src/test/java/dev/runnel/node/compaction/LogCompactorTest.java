package dev.runnel.node.compaction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runnel.proto.Codecs;
import dev.runnel.proto.v1.Codec;
import dev.runnel.proto.v1.Record;
import dev.runnel.proto.v1.RecordSet;
import dev.runnel.storage.BatchHeader;
import dev.runnel.storage.CompactionPolicy;
import dev.runnel.storage.CompactionResult;
import dev.runnel.storage.Crc32c;
import dev.runnel.storage.DuplicateBatchException;
import dev.runnel.storage.KeyOffsetMap;
import dev.runnel.storage.LogCompactor;
import dev.runnel.storage.LogConfig;
import dev.runnel.storage.PartitionLog;
import dev.runnel.storage.ProducerEntry;
import dev.runnel.storage.StoredBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The compactor over real LMDB logs holding real RecordSets: what a compacted log reads back as.
 * Times are passed in: batches carry the append time the test chooses.
 */
class LogCompactorTest {
  private static final LogConfig CONFIG = new LogConfig(1 << 20, 64 << 20, 1);
  private static final long T0 = 1_700_000_000_000L;
  private static final CompactionPolicy NO_LAG = new CompactionPolicy(0, 86_400_000L);

  @TempDir Path dir;
  private PartitionLog log;
  private long appliedIndex;
  private final KeyOffsetMap map = new KeyOffsetMap(1 << 20);

  /** What a consumer reads: offset → "key=value" ("key=null" for a tombstone). */
  private Map<Long, String> readAll(PartitionLog from) {
    Map<Long, String> records = new TreeMap<>();
    long offset = from.logStartOffset();
    while (offset < from.nextOffset()) {
      List<StoredBatch> batches = from.read(offset, 1 << 20);
      if (batches.isEmpty()) {
        break;
      }
      for (StoredBatch batch : batches) {
        RecordSet set = recordSet(batch);
        for (int i = 0; i < set.getRecordsCount(); i++) {
          int delta = set.getOffsetDeltasCount() == 0 ? i : set.getOffsetDeltas(i);
          Record r = set.getRecords(i);
          records.put(batch.header().baseOffset() + delta,
              r.getKey().toStringUtf8() + "=" + (r.hasValue() ? r.getValue().toStringUtf8() : "null"));
        }
        offset = batch.header().lastOffset() + 1;
      }
    }
    return records;
  }

  private static RecordSet recordSet(StoredBatch batch) {
    try {
      Codec codec = Codec.forNumber(batch.header().codec());
      return RecordSet.parseFrom(Codecs.decompress(codec, ByteString.copyFrom(batch.payload().duplicate()), 1 << 30));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends one batch of "key=value" records ("key=null" = tombstone) appended at {@code appendTimeMs}. */
  private BatchHeader append(PartitionLog to, Codec codec, long appendTimeMs, long producerId, int baseSequence,
      String... records) {
    RecordSet.Builder set = RecordSet.newBuilder();
    for (String kv : records) {
      String[] parts = kv.split("=", 2);
      Record.Builder r = Record.newBuilder().setKey(ByteString.copyFromUtf8(parts[0])).setTimestampMs(appendTimeMs);
      if (!parts[1].equals("null")) {
        r.setValue(ByteString.copyFromUtf8(parts[1]));
      }
      set.addRecords(r);
    }
    ByteString payload = Codecs.compress(codec, set.build().toByteString());
    ByteBuffer bytes = payload.asReadOnlyByteBuffer();
    BatchHeader header = new BatchHeader(-1, records.length, appendTimeMs, appendTimeMs, producerId,
        (short) (producerId > 0 ? 3 : 0), baseSequence, (byte) codec.getNumber(), appendTimeMs, Crc32c.of(bytes));
    return to.append(header, bytes, ++appliedIndex, 1);
  }

  private BatchHeader append(long appendTimeMs, String... records) {
    return append(log, Codec.CODEC_NONE, appendTimeMs, 0, 0, records);
  }

  private LogCompactor compactor(PartitionLog of, int batchesPerChunk) {
    return new LogCompactor(of, new ProtoRecordCodec(1 << 30), batchesPerChunk, 1 << 20);
  }

  @BeforeEach
  void open() {
    log = PartitionLog.open(dir.resolve("log"), CONFIG);
  }

  @AfterEach
  void close() {
    log.close();
  }

  @Test
  void keepsTheLatestValuePerKeyAtItsOriginalOffset() {
    append(T0, "a=1", "b=1");
    append(T0, "a=2", "c=1");
    append(T0, "b=2");
    append(T0, "d=1"); // the last batch: the head, never compacted
    long sizeBefore = log.sizeBytes();
    CompactionResult result = compactor(log, 64).compact(NO_LAG, T0 + 1, map, bytes -> { });
    assertEquals(Map.of(2L, "a=2", 3L, "c=1", 4L, "b=2", 5L, "d=1"), readAll(log));
    assertEquals(5, result.cleanEndOffset());
    assertEquals(1, result.batchesDeleted(), "the first batch had only superseded records");
    assertEquals(sizeBefore - result.bytesFreed(), log.sizeBytes());
    assertEquals(0, log.logStartOffset());
    assertEquals(6, log.nextOffset(), "offsets do not change");
    assertEquals(2, log.read(0, 1).get(0).header().baseOffset(), "a read from 0 starts after the gap");
  }

  @Test
  void aBatchLosingSomeRecordsKeepsItsSpanAndGetsOffsetDeltas() {
    append(T0, "a=1", "b=1", "c=1");
    append(T0, "b=2");
    append(T0, "z=1");
    compactor(log, 64).compact(NO_LAG, T0 + 1, map, bytes -> { });
    StoredBatch first = log.read(0, 1).get(0);
    assertEquals(3, first.header().recordCount(), "record_count stays the span of offsets");
    assertEquals(List.of(0, 2), recordSet(first).getOffsetDeltasList());
    assertEquals(Map.of(0L, "a=1", 2L, "c=1", 3L, "b=2", 4L, "z=1"), readAll(log));
  }

  @Test
  void theHeadIsLeftAloneTheLastBatchAndEverythingWithinTheLag() {
    append(T0, "a=1");
    append(T0 + 8_000, "a=2");
    append(T0 + 9_000, "a=3");
    append(T0 + 9_500, "b=1");
    List<byte[]> before = storedBytes(log);
    CompactionPolicy fiveSecondLag = new CompactionPolicy(5_000, 86_400_000L);
    // At T0 + 10 s only the first batch is older than the lag: nothing newer is mapped, nothing goes.
    CompactionResult result = compactor(log, 64).compact(fiveSecondLag, T0 + 10_000, map, bytes -> { });
    assertEquals(0, result.batchesDeleted() + result.batchesRewritten());
    assertEquals(1, result.cleanEndOffset());
    assertStoredBytesEqual(before, storedBytes(log));
    // Much later every batch is old enough, but the last one is still the head: a=3 (offset 2) is mapped.
    compactor(log, 64).compact(fiveSecondLag, T0 + 60_000, map, bytes -> { });
    assertEquals(Map.of(2L, "a=3", 3L, "b=1"), readAll(log));
  }

  @Test
  void tombstonesGoOnlyAfterDeleteRetention() {
    CompactionPolicy oneSecond = new CompactionPolicy(0, 1_000);
    append(T0, "a=1", "b=1");
    append(T0 + 100, "a=null");
    append(T0 + 200, "x=1");
    LogCompactor compactor = compactor(log, 64);
    compactor.compact(oneSecond, T0 + 600, map, bytes -> { });
    assertEquals(Map.of(1L, "b=1", 2L, "a=null", 3L, "x=1"), readAll(log),
        "the older value is gone at once, the tombstone stays for delete.retention.ms");
    assertFalse(compactor.compact(oneSecond, T0 + 1_000, map, bytes -> { }).ran(),
        "nothing new and no tombstone due: no work");
    CompactionResult due = compactor.compact(oneSecond, T0 + 1_101, map, bytes -> { });
    assertTrue(due.ran(), "a kept tombstone's expiry triggers a pass without new data");
    assertEquals(Map.of(1L, "b=1", 3L, "x=1"), readAll(log));
  }

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"CODEC_LZ4", "CODEC_ZSTD"})
  void compressedBatchesAreRewrittenInTheirCodec(Codec codec) {
    for (int i = 0; i < 5; i++) {
      append(log, codec, T0, 0, 0, "k" + i + "=old-value-" + i, "same=" + i, "k" + i + "=new-value-" + i);
    }
    append(log, codec, T0, 0, 0, "last=1");
    compactor(log, 2).compact(NO_LAG, T0 + 1, map, bytes -> { });
    Map<Long, String> expected = new TreeMap<>();
    for (int i = 0; i < 5; i++) {
      expected.put(3L * i + 2, "k" + i + "=new-value-" + i);
    }
    expected.put(13L, "same=4");
    expected.put(15L, "last=1");
    assertEquals(expected, readAll(log));
    for (StoredBatch batch : log.read(0, 1 << 20)) {
      assertEquals(codec.getNumber(), batch.header().codec(), "still " + codec);
    }
  }

  @Test
  void idempotentProducerStateIsUntouched() {
    append(log, Codec.CODEC_NONE, T0, 42, 0, "a=1", "b=1");
    append(log, Codec.CODEC_NONE, T0, 42, 2, "a=2", "b=2");
    append(log, Codec.CODEC_NONE, T0, 42, 4, "c=1");
    ProducerEntry before = log.producerEntry(42);
    compactor(log, 64).compact(NO_LAG, T0 + 1, map, bytes -> { });
    assertEquals(Map.of(2L, "a=2", 3L, "b=2", 4L, "c=1"), readAll(log));
    assertEquals(before, log.producerEntry(42));
    // The batch at sequence 0 is gone, yet a retry of it is still recognised, and the sequence continues.
    assertThrows(DuplicateBatchException.class, () -> append(log, Codec.CODEC_NONE, T0, 42, 0, "a=1", "b=1"));
    assertEquals(5, append(log, Codec.CODEC_NONE, T0, 42, 5, "d=1").baseOffset());
  }

  @Test
  void aCrashBetweenChunksLeavesAReadableLogThatTheNextPassFinishes() {
    for (int round = 0; round < 4; round++) {
      append(T0 + round, "a=" + round, "b=" + round);
    }
    append(T0 + 4, "a=null");
    append(T0 + 5, "z=1");
    Map<Long, String> before = readAll(log);
    CompactionPolicy expiredTombstones = new CompactionPolicy(0, 0);
    int[] chunks = {0};
    assertThrows(IllegalStateException.class, () -> compactor(log, 2).compact(expiredTombstones, T0 + 100, map,
        bytes -> {
          if (++chunks[0] == 2) { // after the key-mapping read and the first rewrite chunk
            throw new IllegalStateException("simulated crash");
          }
        }));
    log.close();
    log = PartitionLog.open(dir.resolve("log"), CONFIG);
    Map<Long, String> halfway = readAll(log);
    assertTrue(before.entrySet().containsAll(halfway.entrySet()), "only removals, at the original offsets");
    assertEquals("a=null", halfway.get(8L), "the tombstone outlives the older values it hides");
    assertEquals("b=3", halfway.get(7L));
    assertEquals("a=2", halfway.get(4L), "the second chunk never ran");
    assertFalse(halfway.containsKey(0L), "the first chunk was committed");
    assertEquals(10, log.nextOffset());
    compactor(log, 2).compact(expiredTombstones, T0 + 100, map, bytes -> { });
    assertEquals(Map.of(7L, "b=3", 9L, "z=1"), readAll(log));
  }

  @Test
  void aSmallKeyMapTakesSeveralPassesAndGetsThereInTheEnd() {
    KeyOffsetMap small = new KeyOffsetMap(24 * 16); // 12 keys per pass
    for (int round = 0; round < 3; round++) {
      for (int batch = 0; batch < 10; batch++) {
        append(T0, "k" + (2 * batch) + "=" + round, "k" + (2 * batch + 1) + "=" + round);
      }
    }
    append(T0, "last=1");
    LogCompactor compactor = compactor(log, 4);
    int passes = 0;
    while (compactor.compact(NO_LAG, T0 + 1, small, bytes -> { }).ran()) {
      passes++;
      assertTrue(passes < 20, "converges");
    }
    assertTrue(passes >= 5, "60 records over 12-key passes, got " + passes);
    Map<Long, String> latest = readAll(log);
    assertEquals(21, latest.size());
    for (int key = 0; key < 20; key++) {
      assertEquals("k" + key + "=2", latest.get(40L + key), "key " + key);
    }
  }

  @Test
  void compactionIsDeterministicSoReplicasCompactedAlikeStoreTheSameBytes() {
    PartitionLog other = PartitionLog.open(dir.resolve("other"), CONFIG);
    try {
      for (PartitionLog replica : List.of(log, other)) {
        appliedIndex = 0;
        append(replica, Codec.CODEC_ZSTD, T0, 0, 0, "a=1", "b=1", "c=1");
        append(replica, Codec.CODEC_NONE, T0, 0, 0, "b=2");
        append(replica, Codec.CODEC_LZ4, T0, 0, 0, "c=2", "d=1");
        append(replica, Codec.CODEC_NONE, T0, 0, 0, "e=1");
        compactor(replica, 1).compact(NO_LAG, T0 + 5, new KeyOffsetMap(1 << 16), bytes -> { });
      }
      assertStoredBytesEqual(storedBytes(log), storedBytes(other));
      // ...and so a damaged compacted batch can be repaired from the other replica's copy.
      log.repairBatch(other.read(0, 1).get(0));
      assertEquals(readAll(other), readAll(log));
    } finally {
      other.close();
    }
  }

  private static List<byte[]> storedBytes(PartitionLog of) {
    List<byte[]> all = new ArrayList<>();
    for (StoredBatch batch : of.read(of.logStartOffset(), 1 << 24)) {
      all.add(batch.toStoredBytes());
    }
    return all;
  }

  private static void assertStoredBytesEqual(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "batch " + i);
    }
  }
}
