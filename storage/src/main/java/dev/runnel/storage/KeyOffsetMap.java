package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The compactor's "latest offset per key", in a fixed amount of memory: keys are reduced to 16-byte MD5 digests and
 * kept in an open-addressing table of {@code bytesMax / 24} slots, filled to at most {@link #LOAD_FACTOR}. Two keys
 * with the same digest would be taken for one (the older record of the other key could be dropped); with 128-bit
 * digests that needs about 2^64 keys, which is why Kafka's cleaner makes the same trade. MD5 is used as a hash here,
 * not for security. Not thread-safe: one per cleaner thread, reused pass after pass.
 */
public final class KeyOffsetMap {
  /** Bytes per slot: a 16-byte digest and an 8-byte offset. */
  public static final int SLOT_BYTES = 24;
  /** Beyond this fill, probes get long; a pass stops mapping keys there (see {@link #fits}). */
  static final double LOAD_FACTOR = 0.75;
  private static final long EMPTY = -1;

  private final long[] digestHigh;
  private final long[] digestLow;
  private final long[] offsets;
  private final int entriesMax;
  private final MessageDigest md5;
  private final byte[] digest = new byte[16];
  private int entries;

  /** @param bytesMax memory for the slots; at least enough for 16 of them */
  public KeyOffsetMap(long bytesMax) {
    long slots = bytesMax / SLOT_BYTES;
    if (slots < 16 || slots > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("bytesMax must give 16 to 2^31 - 9 slots of " + SLOT_BYTES
          + " bytes, got " + bytesMax);
    }
    digestHigh = new long[(int) slots];
    digestLow = new long[(int) slots];
    offsets = new long[(int) slots];
    entriesMax = (int) (slots * LOAD_FACTOR);
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide MD5", e);
    }
    clear();
  }

  /** Forgets every key. */
  public void clear() {
    Arrays.fill(offsets, EMPTY);
    entries = 0;
  }

  public int size() {
    return entries;
  }

  public int entriesMax() {
    return entriesMax;
  }

  /** Whether {@code moreKeys} new keys are sure to fit. */
  public boolean fits(int moreKeys) {
    return (long) entries + moreKeys <= entriesMax;
  }

  /**
   * Records {@code offset} as the latest of {@code key}, if it is later than what is recorded.
   *
   * @throws IllegalStateException if the map is full: callers check {@link #fits} first
   */
  public void put(ByteBuffer key, long offset) {
    hash(key);
    long high = bytesToLong(0);
    long low = bytesToLong(8);
    int slot = findSlot(high, low);
    if (offsets[slot] == EMPTY) {
      if (entries >= entriesMax) {
        throw new IllegalStateException("key offset map is full at " + entries + " keys");
      }
      entries++;
      digestHigh[slot] = high;
      digestLow[slot] = low;
      offsets[slot] = offset;
    } else if (offset > offsets[slot]) {
      offsets[slot] = offset;
    }
  }

  /** The latest offset recorded for {@code key}, or -1. */
  public long get(ByteBuffer key) {
    hash(key);
    return offsets[findSlot(bytesToLong(0), bytesToLong(8))];
  }

  /** Linear probing from the digest's own slot; the table is never full, so an empty slot ends every probe. */
  private int findSlot(long high, long low) {
    int slot = (int) Long.remainderUnsigned(high ^ low, offsets.length);
    while (offsets[slot] != EMPTY && (digestHigh[slot] != high || digestLow[slot] != low)) {
      slot = slot + 1 == offsets.length ? 0 : slot + 1;
    }
    return slot;
  }

  private void hash(ByteBuffer key) {
    md5.reset();
    md5.update(key.duplicate());
    try {
      md5.digest(digest, 0, digest.length);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("MD5 digest of 16 bytes failed", e);
    }
  }

  private long bytesToLong(int from) {
    long value = 0;
    for (int i = from; i < from + 8; i++) {
      value = (value << 8) | (digest[i] & 0xff);
    }
    return value;
  }
}
