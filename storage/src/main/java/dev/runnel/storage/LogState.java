package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The log's bookkeeping, stored as one value in the {@code meta} database and written in the same transaction as
 * the batch it describes, so a crash can never separate data from its offsets or its Raft position.
 *
 * <p>Immutable so readers on other threads see index and term (and offsets and size) from the same append.
 */
record LogState(long nextOffset, long logStartOffset, long lastAppliedIndex, long lastAppliedTerm, long sizeBytes) {

  static final LogState EMPTY = new LogState(0, 0, -1, -1, 0);

  /** Version of the layout below. */
  private static final byte FORMAT_V1 = 1;

  /** format(1) nextOffset(8) logStartOffset(8) lastAppliedIndex(8) lastAppliedTerm(8) sizeBytes(8). */
  static final int SIZE_BYTES = 1 + 5 * 8;

  LogState afterAppend(BatchHeader stored, int storedBytes, long appliedIndex, long appliedTerm) {
    long newNextOffset = Math.addExact(stored.baseOffset(), stored.recordCount());
    return new LogState(newNextOffset, logStartOffset, appliedIndex, appliedTerm,
        Math.addExact(sizeBytes, storedBytes));
  }

  /** After deleting the batches below {@code newLogStartOffset}, which held {@code freedBytes}. */
  LogState afterTruncate(long newLogStartOffset, long freedBytes, long appliedIndex, long appliedTerm) {
    if (newLogStartOffset < logStartOffset || newLogStartOffset > nextOffset || freedBytes < 0
        || freedBytes > sizeBytes) {
      throw new IllegalStateException("truncation to " + newLogStartOffset + " freeing " + freedBytes
          + " bytes does not fit log state " + this);
    }
    return new LogState(nextOffset, newLogStartOffset, appliedIndex, appliedTerm, sizeBytes - freedBytes);
  }

  /** After compaction shrank or removed stored batches (offsets and the Raft position do not change). */
  LogState afterCompaction(long freedBytes) {
    if (freedBytes < 0 || freedBytes > sizeBytes) {
      throw new IllegalStateException("compaction freeing " + freedBytes + " bytes does not fit log state " + this);
    }
    return new LogState(nextOffset, logStartOffset, lastAppliedIndex, lastAppliedTerm, sizeBytes - freedBytes);
  }

  LogState withApplied(long appliedIndex, long appliedTerm) {
    return new LogState(nextOffset, logStartOffset, appliedIndex, appliedTerm, sizeBytes);
  }

  /** Writes {@link #SIZE_BYTES} bytes at absolute positions from 0, leaving {@code out}'s position and limit alone. */
  void writeTo(ByteBuffer out) {
    ByteBuffer bigEndian = out.duplicate().order(ByteOrder.BIG_ENDIAN);
    bigEndian.put(0, FORMAT_V1)
        .putLong(1, nextOffset)
        .putLong(9, logStartOffset)
        .putLong(17, lastAppliedIndex)
        .putLong(25, lastAppliedTerm)
        .putLong(33, sizeBytes);
  }

  static LogState readFrom(ByteBuffer in) {
    ByteBuffer bigEndian = in.duplicate().order(ByteOrder.BIG_ENDIAN);
    int base = bigEndian.position();
    if (bigEndian.remaining() != SIZE_BYTES || bigEndian.get(base) != FORMAT_V1) {
      throw new StorageException("log state in the meta database has " + bigEndian.remaining()
          + " bytes, format " + (bigEndian.hasRemaining() ? bigEndian.get(base) : -1) + "; expected "
          + SIZE_BYTES + " bytes, format " + FORMAT_V1);
    }
    return new LogState(bigEndian.getLong(base + 1), bigEndian.getLong(base + 9), bigEndian.getLong(base + 17),
        bigEndian.getLong(base + 25), bigEndian.getLong(base + 33));
  }
}
