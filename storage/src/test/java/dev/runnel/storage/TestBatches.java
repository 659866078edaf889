package dev.runnel.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;

/** Builds batches whose payload bytes are derived from a seed, so any read can be checked for consistency. */
final class TestBatches {
  private TestBatches() {}

  static ByteBuffer payload(long seed, int sizeBytes) {
    ByteBuffer payload = ByteBuffer.allocate(sizeBytes);
    for (int i = 0; i < sizeBytes; i++) {
      payload.put((byte) (seed * 31 + i));
    }
    return payload.flip();
  }

  /** A header for {@code payload} with a correct CRC32C; the seed is kept in producerId for later checks. */
  static BatchHeader header(long seed, int recordCount, long firstTimestampMs, long maxTimestampMs,
      ByteBuffer payload) {
    return new BatchHeader(-1, recordCount, firstTimestampMs, maxTimestampMs, seed, (short) 0, 0, (byte) 0,
        1_700_000_000_000L, Crc32c.of(payload));
  }

  /** Appends a batch built from {@code seed}, applied as Raft entry (seed + 1, term 1). */
  static BatchHeader append(PartitionLog log, long seed, int recordCount, int payloadBytes, long maxTimestampMs) {
    ByteBuffer payload = payload(seed, payloadBytes);
    return log.append(header(seed, recordCount, maxTimestampMs, maxTimestampMs, payload), payload, seed + 1, 1);
  }

  /** Checks the payload matches what {@link #payload} produced for the seed stored in the header. */
  static void assertIntact(StoredBatch batch) {
    ByteBuffer expected = payload(batch.header().producerId(), batch.payload().remaining());
    assertEquals(expected, batch.payload(), "payload of batch at " + batch.header().baseOffset());
  }
}
