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

  /** The batch as it is stored: the encoded header followed by the payload, in a new heap buffer. */
  public byte[] toStoredBytes() {
    ByteBuffer out = ByteBuffer.allocate(sizeBytes());
    header.writeTo(out);
    out.put(payload.duplicate());
    return out.array();
  }

  /**
   * Reads a batch in its stored form (see {@link #toStoredBytes()}), checking the payload against the header's
   * CRC32C.
   *
   * @throws CorruptBatchException if the header is malformed or the payload does not match its CRC32C
   */
  public static StoredBatch fromStoredBytes(ByteBuffer stored) {
    ByteBuffer in = stored.duplicate();
    BatchHeader header = BatchHeader.readFrom(in);
    int payloadCrc = Crc32c.of(in);
    if (payloadCrc != header.crc32c()) {
      throw new CorruptBatchException("batch at base offset " + header.baseOffset() + " failed its CRC32C check: header "
          + Integer.toHexString(header.crc32c()) + ", payload " + Integer.toHexString(payloadCrc));
    }
    return new StoredBatch(header, in.slice().asReadOnlyBuffer());
  }
}
