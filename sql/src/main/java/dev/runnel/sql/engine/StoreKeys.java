package dev.runnel.sql.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Layout of state store keys: a one-byte kind, then a 2-byte length and the key bytes, then
 * big-endian longs (times sort numerically as they are never negative). Kinds: 'A' aggregate,
 * 'S' session, 'E' expiry index, 'T' stream time, 'L'/'R' join sides, 'O' side offsets.
 */
final class StoreKeys {
  private StoreKeys() {}

  static byte[] of(char kind, byte[] key, long... longs) {
    ByteBuffer b = ByteBuffer.allocate(1 + 2 + key.length + 8 * longs.length);
    b.put((byte) kind).putShort((short) key.length).put(key);
    for (long l : longs) {
      b.putLong(l);
    }
    return b.array();
  }

  /** The end of the range of keys that start with {@code prefix}. */
  static byte[] after(byte[] prefix) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + 17);
    Arrays.fill(out, prefix.length, out.length, (byte) 0xFF);
    return out;
  }

  static byte[] expiry(long closeTimeMs, byte[] stateKey) {
    return ByteBuffer.allocate(1 + 8 + stateKey.length).put((byte) 'E').putLong(closeTimeMs).put(stateKey).array();
  }

  static byte[] expiryUpTo(long streamTimeMs) {
    return ByteBuffer.allocate(9).put((byte) 'E').putLong(streamTimeMs + 1).array();
  }

  static byte[] stateKeyOfExpiry(byte[] expiryKey) {
    return Arrays.copyOfRange(expiryKey, 9, expiryKey.length);
  }

  static byte[] single(char kind) {
    return new byte[] {(byte) kind};
  }

  static long readLong(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 8).getLong();
  }
}
