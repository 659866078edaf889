package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Key encodings. LMDB orders keys by {@code memcmp}, so numbers are stored as 8 big-endian bytes; timestamps also
 * get their sign bit flipped so that negative timestamps sort before positive ones.
 */
final class Keys {
  static final int LONG_BYTES = 8;

  /** The single key of the {@code meta} database that holds the {@link LogState}. */
  static final byte[] LOG_STATE = "log-state".getBytes(StandardCharsets.US_ASCII);

  /**
   * The key of the {@code meta} database that marks a catch-up in progress; its value is the {@link LogState} from
   * before the catch-up began, to roll back to if it never finishes.
   */
  static final byte[] CATCH_UP = "catch-up".getBytes(StandardCharsets.US_ASCII);

  /** Reader threads come from pools, so one reusable direct key buffer per thread avoids a direct allocation per read. */
  private static final ThreadLocal<ByteBuffer> READ_KEY = ThreadLocal.withInitial(Keys::newLongBuffer);

  private Keys() {}

  static ByteBuffer newLongBuffer() {
    return ByteBuffer.allocateDirect(LONG_BYTES).order(ByteOrder.BIG_ENDIAN);
  }

  /** Puts {@code value} into {@code buffer} (position 0, limit 8) and returns it. */
  static ByteBuffer encodeLong(ByteBuffer buffer, long value) {
    buffer.clear();
    buffer.putLong(0, value);
    return buffer;
  }

  static long timestampKey(long timestampMs) {
    return timestampMs ^ Long.MIN_VALUE;
  }

  static long timestampOfKey(long key) {
    return key ^ Long.MIN_VALUE;
  }

  /** This thread's key buffer holding {@code value}; valid until this thread's next call. */
  static ByteBuffer readKey(long value) {
    return encodeLong(READ_KEY.get(), value);
  }

  /** Reads an 8-byte big-endian number at {@code buffer}'s position, whatever the buffer's byte order. */
  static long decodeLong(ByteBuffer buffer) {
    long raw = buffer.getLong(buffer.position());
    return buffer.order() == ByteOrder.BIG_ENDIAN ? raw : Long.reverseBytes(raw);
  }
}
