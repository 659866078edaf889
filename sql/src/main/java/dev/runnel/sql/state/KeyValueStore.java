package dev.runnel.sql.state;

import java.util.List;

/** A sorted byte-key store owned by one task thread; keys compare as unsigned bytes. */
public interface KeyValueStore extends AutoCloseable {
  /** LMDB's default bound on key size. */
  int KEY_BYTES_MAX = 511;

  byte[] get(byte[] key);

  /** {@code value} null deletes. */
  void put(byte[] key, byte[] value);

  /** Entries with {@code from <= key < to} in key order, at most {@code max}. */
  List<Entry> range(byte[] from, byte[] to, int max);

  /** Makes the writes since the last commit durable locally. */
  void commit();

  @Override
  void close();

  record Entry(byte[] key, byte[] value) {}
}
