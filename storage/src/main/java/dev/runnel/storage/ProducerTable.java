package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

/**
 * A partition's idempotent-producer state in its LMDB {@code producers} database: one {@link
 * ProducerEntry} per producer id, checked and updated inside the append's write transaction.
 * Writer-thread methods take the caller's transaction; the mutable fields are the writer's alone.
 */
final class ProducerTable {
  /** Expired entries are swept at most this often (and at most 10 times per expiration). */
  static final long SWEEP_INTERVAL_MS_MIN = 60_000;

  private final Dbi<ByteBuffer> producers;
  // Writer-thread-only direct key buffer, reused so an append allocates no direct memory.
  private final ByteBuffer writeKey = Keys.newLongBuffer();
  /** Append time from which the next append sweeps expired entries. Writer thread only. */
  private long nextSweepMs;

  ProducerTable(Dbi<ByteBuffer> producers) {
    this.producers = producers;
  }

  /**
   * Checks an idempotent producer's batch against its entry and records it; an exception aborts
   * the caller's transaction. Entries idle past {@code expirationMs} (0: never) count as absent.
   *
   * @throws DuplicateBatchException if the batch is a retry of one already stored
   * @throws OutOfOrderSequenceException if the producer's sequence has a gap
   * @throws ProducerFencedException if a newer epoch of the producer id wrote here
   */
  void track(Txn<ByteBuffer> txn, BatchHeader stored, long expirationMs) {
    if (expirationMs > 0 && stored.appendTimeMs() >= nextSweepMs) {
      removeExpired(txn, stored.appendTimeMs(), expirationMs);
      nextSweepMs = stored.appendTimeMs() + Math.max(expirationMs / 10, SWEEP_INTERVAL_MS_MIN);
    }
    if (stored.producerId() <= 0) {
      return;
    }
    ByteBuffer value = producers.get(txn, Keys.encodeLong(writeKey, stored.producerId()));
    ProducerEntry entry = value == null ? null : ProducerEntry.decode(value);
    if (entry != null && entry.expiredAt(stored.appendTimeMs(), expirationMs)) {
      entry = null;
    }
    if (ProducerEntry.check(entry, stored) instanceof ProducerEntry.Duplicate duplicate) {
      throw new DuplicateBatchException(duplicate.baseOffset());
    }
    put(txn, stored.producerId(), ProducerEntry.after(entry, stored));
  }

  /**
   * Deletes the entries of producers idle past the expiration. Only frees space: {@link #track}
   * already treats an expired entry as absent, so when a replica sweeps (which depends on its
   * uptime) never changes a decision.
   */
  private void removeExpired(Txn<ByteBuffer> txn, long nowMs, long expirationMs) {
    try (Cursor<ByteBuffer> cursor = producers.openCursor(txn)) {
      for (boolean found = cursor.first(); found; found = cursor.next()) {
        if (ProducerEntry.decode(cursor.val()).expiredAt(nowMs, expirationMs)) {
          cursor.delete();
        }
      }
    }
  }

  /** Replaces every entry with {@code entries} (a catch-up takes on its source's state). Writer thread. */
  void replaceAll(Txn<ByteBuffer> txn, Map<Long, ProducerEntry> entries) {
    producers.drop(txn);
    entries.forEach((producerId, entry) -> put(txn, producerId, entry));
  }

  private void put(Txn<ByteBuffer> txn, long producerId, ProducerEntry entry) {
    byte[] encoded = entry.encode();
    producers.reserve(txn, Keys.encodeLong(writeKey, producerId), encoded.length).put(encoded);
  }

  /** The producer's entry, or null if it never wrote here (or its expired entry was swept). */
  ProducerEntry get(Txn<ByteBuffer> txn, long producerId) {
    ByteBuffer value = producers.get(txn, Keys.readKey(producerId));
    return value == null ? null : ProducerEntry.decode(value);
  }

  /** Every entry, for a replica copying this one. */
  Map<Long, ProducerEntry> all(Txn<ByteBuffer> txn) {
    Map<Long, ProducerEntry> all = new HashMap<>();
    try (Cursor<ByteBuffer> cursor = producers.openCursor(txn)) {
      for (boolean found = cursor.first(); found; found = cursor.next()) {
        all.put(Keys.decodeLong(cursor.key()), ProducerEntry.decode(cursor.val()));
      }
    }
    return all;
  }
}
