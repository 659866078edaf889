package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One read of the {@code log} database: seek to the batch containing an offset, copy whole batches out, verified. */
final class BatchScan {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScan.class);

  private final Path dir;
  private final Dbi<ByteBuffer> log;

  BatchScan(Path dir, Dbi<ByteBuffer> log) {
    this.dir = dir;
    this.log = log;
  }

  /**
   * The caller checked logStartOffset <= offset < nextOffset. Usually a batch contains offset; when compaction removed
   * it, the read starts with the next batch (offsets have a gap there), and is empty if there is none.
   */
  List<StoredBatch> read(Txn<ByteBuffer> txn, long offset, int maxBytes) {
    try (Cursor<ByteBuffer> cursor = log.openCursor(txn)) {
      List<StoredBatch> batches = new ArrayList<>();
      if (!seekToBatchContainingOrAfter(cursor, offset)) {
        return batches;
      }
      long totalBytes = 0;
      do {
        int valueBytes = cursor.val().remaining();
        if (!batches.isEmpty() && totalBytes + valueBytes > maxBytes) {
          break;
        }
        StoredBatch batch = copyVerified(Keys.decodeLong(cursor.key()), cursor.val());
        batches.add(batch);
        totalBytes += valueBytes;
      } while (totalBytes < maxBytes && cursor.next());
      return batches;
    }
  }

  /**
   * Up to {@code limit} batches from the first one stored, as header + stored size. Only the header bytes are read
   * (LMDB hands out the value as a view into the map), so no payload is copied or CRC-checked.
   */
  List<StoredBatchInfo> oldest(Txn<ByteBuffer> txn, int limit) {
    List<StoredBatchInfo> infos = new ArrayList<>(Math.min(limit, 1024));
    try (Cursor<ByteBuffer> cursor = log.openCursor(txn)) {
      boolean found = cursor.first();
      while (found && infos.size() < limit) {
        ByteBuffer value = cursor.val();
        infos.add(new StoredBatchInfo(header(Keys.decodeLong(cursor.key()), value), value.remaining()));
        found = cursor.next();
      }
    }
    return infos;
  }

  /** Reads the header of the value stored under {@code key}, checking its magic byte and base offset. */
  BatchHeader header(long key, ByteBuffer value) {
    BatchHeader header;
    try {
      header = BatchHeader.readFrom(value.duplicate());
    } catch (CorruptBatchException e) {
      throw corrupt(key, e.getMessage());
    }
    if (header.baseOffset() != key) {
      throw corrupt(key, "header says base offset " + header.baseOffset());
    }
    return header;
  }

  /**
   * Positions the cursor on the batch holding offset, or else on the first batch after it (a gap left by compaction);
   * false when there is neither. MDB_SET_RANGE finds the least key >= offset; the batch before it may hold offset.
   */
  private boolean seekToBatchContainingOrAfter(Cursor<ByteBuffer> cursor, long offset) {
    boolean atOrAfter = cursor.get(Keys.readKey(offset), GetOp.MDB_SET_RANGE);
    if (atOrAfter && Keys.decodeLong(cursor.key()) == offset) {
      return true;
    }
    boolean before = atOrAfter ? cursor.prev() : cursor.last();
    if (before && header(Keys.decodeLong(cursor.key()), cursor.val()).lastOffset() >= offset) {
      return true;
    }
    if (!before) {
      return atOrAfter && cursor.first();
    }
    return cursor.next();
  }

  /** Copies the value out of the map (it is only valid while the txn is open) after checking it is intact. */
  private StoredBatch copyVerified(long key, ByteBuffer value) {
    BatchHeader header = header(key, value);
    ByteBuffer stored = value.duplicate().position(value.position() + BatchHeader.SIZE_BYTES);
    int payloadCrc = Crc32c.of(stored);
    if (payloadCrc != header.crc32c()) {
      throw corrupt(key, "CRC32C of the payload is " + Integer.toHexString(payloadCrc) + ", header says "
          + Integer.toHexString(header.crc32c()));
    }
    ByteBuffer payload = ByteBuffer.allocate(stored.remaining()).put(stored).flip();
    return new StoredBatch(header, payload.asReadOnlyBuffer());
  }

  private CorruptBatchException corrupt(long baseOffset, String detail) {
    String message = "partition log " + dir + ": stored batch at base offset " + baseOffset + " is corrupt: " + detail;
    LOG.warn(message);
    return new CorruptBatchException(message, baseOffset);
  }
}
