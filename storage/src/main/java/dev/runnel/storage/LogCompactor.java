package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts one partition replica's log: keeps the latest record of each key, drops older ones, and drops tombstones
 * once they are older than {@link CompactionPolicy#deleteRetentionMs()}. Offsets never change; consumers see gaps.
 *
 * <p>A pass, like Kafka's log cleaner:
 * <ol>
 *   <li>Map: from the first offset no earlier pass mapped (the "dirty" start) forward, record each key's latest offset
 *       in a {@link KeyOffsetMap}, stopping at the head of the log (the last batch, which may still be growing in
 *       Kafka terms and is in any case the newest, and every batch appended less than {@code minCompactionLagMs} ago)
 *       or when the map is full. The mapped range ends at {@code cleanEnd}.
 *   <li>Clean: from the start of the log up to {@code cleanEnd}, in chunks of a few batches per write transaction
 *       ({@link PartitionLog#compactBatches}), drop every record whose key has a later offset in the map, and every
 *       tombstone past its retention. A tombstone is only dropped in a range every record of which was mapped by this
 *       or an earlier pass: the older records of its key were dropped then, so nothing comes back to life.
 * </ol>
 *
 * <p>Crash safety: each chunk is one transaction and chunks go in offset order, so a crash between chunks leaves a
 * log where some older records are gone and the newer ones (and tombstones) are still there; the next pass finishes.
 * Nothing outside the log is needed: the dirty start is kept in memory and starts again at the log start after a
 * restart (more reading, same result). While the log catches up from another replica no chunk is applied (its copied
 * batches, which the key map may have seen, could still be rolled back).
 *
 * <p>Records without a key are kept (a compacted topic refuses them at produce time). Idempotent-producer state is
 * not touched. Not thread-safe: one cleaner thread drives all compactors.
 */
public final class LogCompactor {
  private static final Logger LOG = LoggerFactory.getLogger(LogCompactor.class);

  private final PartitionLog log;
  private final RecordCodec codec;
  private final int batchesPerChunk;
  private final int readBytesMax;
  /** Offsets below this were mapped by an earlier pass; in memory only. */
  private long cleanedToOffset;
  /** When the earliest tombstone kept by the last pass expires; Long.MAX_VALUE when none was kept. */
  private long tombstoneExpiryMs = Long.MAX_VALUE;

  /**
   * @param batchesPerChunk most batches rewritten per write transaction (appends wait for one)
   * @param readBytesMax most bytes read per read transaction while mapping keys
   */
  public LogCompactor(PartitionLog log, RecordCodec codec, int batchesPerChunk, int readBytesMax) {
    this.log = Objects.requireNonNull(log, "log");
    this.codec = Objects.requireNonNull(codec, "codec");
    if (batchesPerChunk <= 0 || readBytesMax <= 0) {
      throw new IllegalArgumentException("batchesPerChunk and readBytesMax must be > 0, got " + batchesPerChunk
          + " and " + readBytesMax);
    }
    this.batchesPerChunk = batchesPerChunk;
    this.readBytesMax = readBytesMax;
  }

  /**
   * One pass (see the class comment). Returns {@link CompactionResult#ran()} false when nothing was new and no kept
   * tombstone expired.
   *
   * @param map the key map to use; cleared first
   * @param onBytesRead told the stored bytes read after each read or rewrite transaction (for I/O throttling)
   * @throws CorruptBatchException if a batch cannot be read; the pass stops, what it did so far stays
   */
  public CompactionResult compact(CompactionPolicy policy, long nowMs, KeyOffsetMap map, LongConsumer onBytesRead) {
    map.clear();
    long dirtyStart = Math.max(cleanedToOffset, log.logStartOffset());
    long[] readStats = new long[2];
    long cleanEnd = mapKeys(dirtyStart, policy, nowMs, map, readStats, onBytesRead);
    if (cleanEnd <= dirtyStart && nowMs < tombstoneExpiryMs) {
      return CompactionResult.NOTHING;
    }
    boolean tombstonesDue = nowMs >= tombstoneExpiryMs;
    Cleaner cleaner = new Cleaner(map, policy, nowMs);
    long from = 0;
    long rewritten = 0;
    long deleted = 0;
    long freed = 0;
    while (true) {
      CompactionChunk chunk = log.compactBatches(from, cleanEnd, batchesPerChunk, cleaner);
      readStats[0] += chunk.batchesRead();
      readStats[1] += chunk.bytesRead();
      rewritten += chunk.batchesRewritten();
      deleted += chunk.batchesDeleted();
      freed += chunk.bytesFreed();
      onBytesRead.accept(chunk.bytesRead());
      if (chunk.done()) {
        break;
      }
      from = chunk.nextOffset();
    }
    cleanedToOffset = Math.max(cleanedToOffset, cleanEnd);
    tombstoneExpiryMs = cleaner.earliestKeptTombstoneExpiryMs;
    CompactionResult result = new CompactionResult(cleanEnd, readStats[0], readStats[1], rewritten, deleted, freed);
    LOG.debug("compacted {} up to offset {} (tombstones due: {}): {}", log, cleanEnd, tombstonesDue, result);
    return result;
  }

  /** Offsets below this were mapped by a pass (in memory; the log start after a restart). */
  public long cleanedToOffset() {
    return cleanedToOffset;
  }

  /** Maps keys from {@code dirtyStart} to the head or a full map; returns the end of the mapped range. */
  private long mapKeys(long dirtyStart, CompactionPolicy policy, long nowMs, KeyOffsetMap map, long[] readStats,
      LongConsumer onBytesRead) {
    long lagCutoffMs = subtractSaturated(nowMs, policy.minCompactionLagMs());
    long mapEnd = dirtyStart;
    while (true) {
      long nextOffset = log.nextOffset();
      long from = Math.max(mapEnd, log.logStartOffset());
      if (from >= nextOffset) {
        return mapEnd;
      }
      List<StoredBatch> batches = log.read(from, readBytesMax);
      if (batches.isEmpty()) {
        return mapEnd;
      }
      long bytes = 0;
      for (StoredBatch batch : batches) {
        BatchHeader header = batch.header();
        if (header.lastOffset() >= nextOffset - 1 || header.appendTimeMs() > lagCutoffMs) {
          onBytesRead.accept(bytes);
          return mapEnd; // the head: the last batch, or appended within min.compaction.lag.ms
        }
        RecordCodec.Records records = codec.decode((byte) header.codecId(), batch.payload());
        if (!map.fits(records.count())) {
          if (map.size() == 0) {
            LOG.warn("{}: the batch at {} has {} records, more than the cleaner's key map holds ({}): raise "
                + "log.cleaner.dedupe.buffer.bytes; compaction stops at this batch", log, header.baseOffset(),
                records.count(), map.entriesMax());
          }
          onBytesRead.accept(bytes);
          return mapEnd;
        }
        for (int i = 0; i < records.count(); i++) {
          ByteBuffer key = records.key(i);
          if (key != null) {
            map.put(key, header.baseOffset() + records.offsetDelta(i));
          }
        }
        mapEnd = header.lastOffset() + 1;
        readStats[0]++;
        readStats[1] += batch.sizeBytes();
        bytes += batch.sizeBytes();
      }
      onBytesRead.accept(bytes);
    }
  }

  private static long subtractSaturated(long a, long b) {
    long difference = a - b;
    return ((a ^ b) & (a ^ difference)) < 0 ? Long.MIN_VALUE : difference;
  }

  /** Decides, record by record, what a batch keeps. */
  private final class Cleaner implements PartitionLog.BatchRewriter {
    private final KeyOffsetMap map;
    private final CompactionPolicy policy;
    private final long nowMs;
    private int[] kept = new int[64];
    long earliestKeptTombstoneExpiryMs = Long.MAX_VALUE;

    Cleaner(KeyOffsetMap map, CompactionPolicy policy, long nowMs) {
      this.map = map;
      this.policy = policy;
      this.nowMs = nowMs;
    }

    @Override
    public ByteBuffer rewrite(BatchHeader header, ByteBuffer payload) {
      RecordCodec.Records records = codec.decode((byte) header.codecId(), payload);
      int count = records.count();
      if (kept.length < count) {
        kept = new int[count];
      }
      long tombstoneExpiryMs = addSaturated(header.appendTimeMs(), policy.deleteRetentionMs());
      boolean tombstonesExpired = nowMs > tombstoneExpiryMs;
      int keptCount = 0;
      for (int i = 0; i < count; i++) {
        if (keeps(records, i, header.baseOffset() + records.offsetDelta(i), tombstonesExpired)) {
          kept[keptCount++] = i;
          if (records.isTombstone(i)) {
            earliestKeptTombstoneExpiryMs = Math.min(earliestKeptTombstoneExpiryMs, tombstoneExpiryMs + 1);
          }
        }
      }
      if (keptCount == count) {
        return null;
      }
      return keptCount == 0 ? ByteBuffer.allocate(0) : records.retain(kept, keptCount);
    }

    private boolean keeps(RecordCodec.Records records, int index, long offset, boolean tombstonesExpired) {
      ByteBuffer key = records.key(index);
      if (key == null) {
        return true;
      }
      if (map.get(key) > offset) {
        return false; // a later record of the same key exists
      }
      return !(records.isTombstone(index) && tombstonesExpired);
    }
  }

  private static long addSaturated(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
