package dev.runnel.storage;

import java.nio.ByteBuffer;

/**
 * How the compactor sees the records inside a batch payload. Storage keeps payloads opaque (it knows nothing of the
 * record format or of compression); the node supplies the implementation that decodes them.
 */
public interface RecordCodec {
  /**
   * The records of one stored batch.
   *
   * @param codec the batch header's codec
   * @param payload the stored payload; only valid during the call when it is a view into the LMDB map
   * @throws CorruptBatchException if the payload cannot be decoded
   */
  Records decode(byte codec, ByteBuffer payload);

  /** The decoded records of one batch, in offset order. */
  interface Records {
    int count();

    /** Offset of record {@code index} minus the batch's base offset. */
    int offsetDelta(int index);

    /** The record's key, or null when it has none. */
    ByteBuffer key(int index);

    /** Whether the record is a tombstone (its value is null). */
    boolean isTombstone(int index);

    /**
     * A payload in the same codec holding only the records at {@code keptIndexes[0..keptCount)} (ascending), each
     * with its original offset. The same records must always give the same bytes: compaction is deterministic.
     */
    ByteBuffer retain(int[] keptIndexes, int keptCount);
  }
}
