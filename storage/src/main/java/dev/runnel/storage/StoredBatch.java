package dev.runnel.storage;

import java.nio.ByteBuffer;

/**
 * One stored batch as read: its header and its payload bytes.
 *
 * @param payload a read-only heap copy owned by the caller; it stays valid after the read transaction ends
 */
public record StoredBatch(BatchHeader header, ByteBuffer payload) {
  /** Stored size: encoded header plus payload. */
  public int sizeBytes() {
    return BatchHeader.SIZE_BYTES + payload.remaining();
  }
}
