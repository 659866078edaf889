package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fixed binary header stored in front of every batch's payload: big-endian, versioned by a leading magic byte so
 * the layout can change later without rewriting stored data.
 *
 * <p>{@code crc32c} covers the payload only, so assigning the base offset at apply time does not change it.
 */
public record BatchHeader(
    long baseOffset,
    int recordCount,
    long firstTimestampMs,
    long maxTimestampMs,
    long producerId,
    short producerEpoch,
    int baseSequence,
    byte codec,
    long appendTimeMs,
    int crc32c) {

  /** Version of the layout below. */
  public static final byte MAGIC_V1 = 1;

  /** magic(1) baseOffset(8) recordCount(4) firstTimestampMs(8) maxTimestampMs(8) producerId(8) producerEpoch(2)
   *  baseSequence(4) codec(1) appendTimeMs(8) crc32c(4). */
  public static final int SIZE_BYTES = 1 + 8 + 4 + 8 + 8 + 8 + 2 + 4 + 1 + 8 + 4;

  /**
   * Bit of the {@code codec} byte that says the batch's timestamps are the node's append time
   * (topic message.timestamp.type=LogAppendTime); the codec itself is in the low four bits.
   */
  public static final byte LOG_APPEND_TIME_FLAG = 0x10;

  private static final int CODEC_MASK = 0x0F;

  /** The compression codec, without attribute bits. */
  public int codecId() {
    return codec & CODEC_MASK;
  }

  /** Whether every record's timestamp is the batch's append time. */
  public boolean logAppendTime() {
    return (codec & LOG_APPEND_TIME_FLAG) != 0;
  }

  /** Last offset in the batch; offsets inside a batch are dense. */
  public long lastOffset() {
    return baseOffset + recordCount - 1;
  }

  public BatchHeader withBaseOffset(long newBaseOffset) {
    return new BatchHeader(newBaseOffset, recordCount, firstTimestampMs, maxTimestampMs, producerId, producerEpoch,
        baseSequence, codec, appendTimeMs, crc32c);
  }

  /** Writes {@link #SIZE_BYTES} big-endian bytes at {@code out}'s position and advances it, whatever its byte order. */
  public void writeTo(ByteBuffer out) {
    ByteBuffer bigEndian = out.order() == ByteOrder.BIG_ENDIAN ? out : out.duplicate().order(ByteOrder.BIG_ENDIAN);
    bigEndian.put(MAGIC_V1)
        .putLong(baseOffset)
        .putInt(recordCount)
        .putLong(firstTimestampMs)
        .putLong(maxTimestampMs)
        .putLong(producerId)
        .putShort(producerEpoch)
        .putInt(baseSequence)
        .put(codec)
        .putLong(appendTimeMs)
        .putInt(crc32c);
    if (bigEndian != out) {
      out.position(bigEndian.position());
    }
  }

  /**
   * Reads a header at {@code in}'s position and advances it past the header.
   *
   * @throws CorruptBatchException on an unknown magic byte or fewer than {@link #SIZE_BYTES} remaining bytes
   */
  public static BatchHeader readFrom(ByteBuffer in) {
    if (in.remaining() < SIZE_BYTES) {
      throw new CorruptBatchException("batch header needs " + SIZE_BYTES + " bytes, only " + in.remaining() + " left");
    }
    ByteBuffer bigEndian = in.order() == ByteOrder.BIG_ENDIAN ? in : in.duplicate().order(ByteOrder.BIG_ENDIAN);
    byte magic = bigEndian.get();
    if (magic != MAGIC_V1) {
      throw new CorruptBatchException("unknown batch header magic " + magic + ", expected " + MAGIC_V1);
    }
    BatchHeader header = new BatchHeader(bigEndian.getLong(), bigEndian.getInt(), bigEndian.getLong(),
        bigEndian.getLong(), bigEndian.getLong(), bigEndian.getShort(), bigEndian.getInt(), bigEndian.get(),
        bigEndian.getLong(), bigEndian.getInt());
    if (bigEndian != in) {
      in.position(bigEndian.position());
    }
    return header;
  }
}
