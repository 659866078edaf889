package dev.runnel.storage;

import java.util.List;
import java.util.Objects;

/**
 * Decides where a log should start after time and size retention, like Kafka's retention.ms and retention.bytes
 * applied per batch instead of per segment. Pure: no LMDB, no clock (time is passed in), no state.
 *
 * <p>The caller passes a bounded prefix of the log's oldest batches ({@link PartitionLog#oldestBatches}); the answer
 * only moves the start within that prefix, and a later call continues from there.
 */
public final class RetentionPolicy {
  /** Value of retentionMs or retentionBytes that disables that limit, as in Kafka. */
  public static final long UNLIMITED = -1;

  private RetentionPolicy() {}

  /**
   * The offset the log should start at: the base offset of the first batch kept. Batches are deleted oldest first,
   * stopping at the first one that is deletable neither by time nor by size:
   * <ul>
   *   <li>by time when {@code retentionMs >= 0} and {@code nowMs - maxTimestampMs > retentionMs} (Kafka's test);
   *   <li>by size when {@code retentionBytes >= 0} and the log without this batch (and the ones deleted before it)
   *       would still hold at least retentionBytes, so size retention never takes the log below retentionBytes
   *       (Kafka's {@code size - segmentSize >= retentionBytes}).
   * </ul>
   * The batch ending at {@code nextOffset - 1} (the newest) is never deleted, as Kafka never deletes the active
   * segment's data by retention, so a topic keeps its latest position readable.
   *
   * @param oldestFirst stored batches from the start of the log, in offset order (compaction may leave gaps)
   * @param logSizeBytes the log's {@link PartitionLog#sizeBytes()}
   * @param retentionMs age limit in milliseconds, or {@link #UNLIMITED}
   * @param retentionBytes size limit in bytes, or {@link #UNLIMITED}
   * @param nowMs the current time in milliseconds
   * @param nextOffset the log's {@link PartitionLog#nextOffset()}
   * @return the base offset of the first batch kept; the first batch's base offset when nothing is deletable, and
   *     {@code nextOffset} when {@code oldestFirst} is empty (an empty log starts there)
   */
  public static long retentionCutoff(List<StoredBatchInfo> oldestFirst, long logSizeBytes, long retentionMs,
      long retentionBytes, long nowMs, long nextOffset) {
    Objects.requireNonNull(oldestFirst, "oldestFirst");
    requireLimit("retentionMs", retentionMs);
    requireLimit("retentionBytes", retentionBytes);
    if (logSizeBytes < 0) {
      throw new IllegalArgumentException("logSizeBytes must be >= 0, got " + logSizeBytes);
    }
    if (oldestFirst.isEmpty()) {
      return nextOffset;
    }
    long sizeAfterBytes = logSizeBytes;
    long expectedBaseOffset = oldestFirst.get(0).header().baseOffset();
    for (StoredBatchInfo batch : oldestFirst) {
      BatchHeader header = batch.header();
      // Compaction may have removed whole batches: a gap between batches is fine, overlap or disorder is not.
      if (header.baseOffset() < expectedBaseOffset || header.lastOffset() >= nextOffset) {
        throw new IllegalArgumentException("batches must be in offset order and below nextOffset " + nextOffset
            + ": expected base offset " + expectedBaseOffset + " or later, got " + header);
      }
      if (header.lastOffset() == nextOffset - 1) {
        return header.baseOffset(); // the newest batch stays
      }
      boolean expired = retentionMs >= 0 && ageMs(nowMs, header.maxTimestampMs()) > retentionMs;
      boolean oversized = retentionBytes >= 0 && sizeAfterBytes - batch.sizeBytes() >= retentionBytes;
      if (!expired && !oversized) {
        return header.baseOffset();
      }
      sizeAfterBytes -= batch.sizeBytes();
      expectedBaseOffset = header.lastOffset() + 1;
    }
    return expectedBaseOffset; // every given batch goes; the next one (not given) is the first kept
  }

  /** nowMs - timestampMs, saturated so that extreme timestamps from producers cannot overflow into a wrong sign. */
  private static long ageMs(long nowMs, long timestampMs) {
    long ageMs = nowMs - timestampMs;
    if (((nowMs ^ timestampMs) & (nowMs ^ ageMs)) < 0) {
      return nowMs >= timestampMs ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return ageMs;
  }

  private static void requireLimit(String name, long limit) {
    if (limit < UNLIMITED) {
      throw new IllegalArgumentException(name + " must be >= 0 or " + UNLIMITED + " (unlimited), got " + limit);
    }
  }
}
