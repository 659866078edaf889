package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An LMDB-backed append-only log of one partition replica.
 *
 * <p>Threading: the writing methods ({@link #append}, {@link #truncateBefore}, {@link #recordApplied} and the catch-up
 * methods) are called by the Raft apply thread and, rarely, by a catch-up from another replica; they are serialized
 * on this object. Any number of reader threads call the other methods. The log state is cached in a volatile
 * immutable {@link LogState} so hot-path getters never open a transaction.
 *
 * <p>Databases: {@code log} (8-byte big-endian base offset → header + payload), {@code timeindex} (running maximum
 * timestamp → base offset, an entry only when the running maximum grows, like Kafka's time index) and {@code meta}
 * (the {@link LogState}). One append writes all three in one transaction, and so does one truncation.
 *
 * <p>Catch-up: a replica whose Raft log no longer reaches back far enough (the leader purged it) copies the missing
 * batches from another replica ({@link #readForReplica}) with {@link #beginCatchUp}, {@link #appendCaughtUp} and
 * {@link #finishCatchUp}. The copy spans many transactions; a marker in {@code meta} holds the state from before it,
 * and opening a log whose catch-up never finished rolls the copied batches back, so a crash mid-copy cannot leave
 * batches that the Raft position does not account for.
 *
 * <p>Compaction ({@link #compactBatches}, driven by {@link LogCompactor}) rewrites old batches in place, in bounded
 * chunks of one write transaction each: a batch keeps its base offset and offset span, loses records, or disappears,
 * so offsets have gaps and a read at an offset in a gap starts with the next batch.
 *
 * <p>Space: LMDB never shrinks its data file. Pages freed by {@link #truncateBefore} go to LMDB's free list and are
 * reused by later appends (once no read transaction still sees them), so a log under retention stays at its
 * high-water size on disk instead of growing, and {@link #checkCapacity} counts free pages as available.
 */
public final class PartitionLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  /** Largest payload accepted; LMDB could store more, but the node's own batch limit is far below this. */
  public static final int BATCH_PAYLOAD_BYTES_MAX = 256 * 1024 * 1024;

  private final Path dir;
  private final LogEnv env;
  private final ProducerTable producers;

  // Writer-thread-only direct buffers, reused so an append allocates no direct memory.
  private final ByteBuffer writeOffsetKey = Keys.newLongBuffer();
  private final ByteBuffer writeTimestampKey = Keys.newLongBuffer();
  private final ByteBuffer writeTimestampValue = Keys.newLongBuffer();
  private final ByteBuffer metaKey;
  private final ByteBuffer catchUpKey;
  private final ByteBuffer metaValue = ByteBuffer.allocateDirect(LogState.SIZE_BYTES);

  /** Largest timestamp in the time index; Long.MIN_VALUE when it is empty. Writer thread only. */
  private long timeIndexMaxTimestampMs;

  private volatile LogState state;
  private volatile LongConsumer appendListener = nextOffset -> { };

  private PartitionLog(Path dir, LogEnv env) {
    this.dir = dir;
    this.env = env;
    this.producers = new ProducerTable(env.producers());
    this.metaKey = ByteBuffer.allocateDirect(Keys.LOG_STATE.length).put(Keys.LOG_STATE).flip();
    this.catchUpKey = ByteBuffer.allocateDirect(Keys.CATCH_UP.length).put(Keys.CATCH_UP).flip();
    this.state = env.read(this::readState);
    rollBackUnfinishedCatchUp();
    this.timeIndexMaxTimestampMs = env.read(this::readTimeIndexMax);
  }

  /** Opens (creating {@code dir} and the LMDB environment if needed) the log of one partition replica. */
  public static PartitionLog open(Path dir, LogConfig config) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(config, "config");
    LogEnv env = LogEnv.open(dir, config);
    try {
      PartitionLog log = new PartitionLog(dir, env);
      LOG.debug("opened partition log {}: {}", dir, log.state);
      return log;
    } catch (RuntimeException e) {
      env.close();
      throw e;
    }
  }

  /**
   * Appends one batch at {@code baseOffset = nextOffset()} and records the Raft entry that carried it, all in one
   * write transaction. Writer thread only.
   *
   * @param header the batch header; its baseOffset is ignored and replaced
   * @param payload the batch's records as opaque bytes (remaining bytes are stored; position unchanged)
   * @param appliedIndex index of the Raft entry being applied; must exceed {@link #lastAppliedIndex()}
   * @param appliedTerm term of that entry; must not be below {@link #lastAppliedTerm()}
   * @return the header as stored, with the assigned base offset
   * <p>A batch of an idempotent producer ({@code producerId > 0}) is first checked against what this partition
   * remembers of that producer ({@link ProducerEntry#check}), in the same transaction.
   *
   * @throws CorruptBatchException if {@code Crc32c.of(payload) != header.crc32c()}; the log is unchanged
   * @throws StorageFullException if the map is at its maximum or the disk is full; the log is unchanged
   * @throws DuplicateBatchException if the batch is a retry of one already stored; the log is unchanged
   * @throws OutOfOrderSequenceException if the producer's sequence has a gap; the log is unchanged
   * @throws ProducerFencedException if a newer epoch of the producer id wrote here; the log is unchanged
   */
  public BatchHeader append(BatchHeader header, ByteBuffer payload, long appliedIndex, long appliedTerm) {
    return append(header, payload, 0, appliedIndex, appliedTerm);
  }

  /**
   * {@link #append(BatchHeader, ByteBuffer, long, long)}, forgetting idempotent producers idle for
   * more than {@code producerIdExpirationMs} (0: never) before {@code header.appendTimeMs()}. The
   * expiration comes with the batch (the leader's setting) so every replica decides alike.
   */
  public synchronized BatchHeader append(
      BatchHeader header, ByteBuffer payload, long producerIdExpirationMs, long appliedIndex, long appliedTerm) {
    BatchAppend batch = new BatchAppend(header, payload, producerIdExpirationMs);
    LogState before = state;
    requireAppliedAdvances(before, appliedIndex, appliedTerm);
    BatchHeader stored = checked(batch, before.nextOffset());
    int storedBytes = BatchHeader.SIZE_BYTES + payload.remaining();
    writeBatch(stored, payload, before.afterAppend(stored, storedBytes, appliedIndex, appliedTerm),
        txn -> producers.track(txn, stored, producerIdExpirationMs));
    return stored;
  }

  /**
   * Appends the batches of one Raft entry that carries several (the leader coalesced produce requests that queued up
   * behind each other) in order, and records the entry, all in one write transaction: a crash leaves either all of
   * them or none, so a replay applies the entry whole. Unlike {@link #append}, a batch that is refused (a retry of one
   * already stored, an idempotent producer's sequence gap or fenced epoch, a failed CRC32C) does not fail the others:
   * it is reported in its outcome and the rest are stored. Writer thread only.
   *
   * @throws StorageFullException if the batches do not fit; then none is stored and the entry is not recorded
   */
  public synchronized List<AppendOutcome> appendAll(List<BatchAppend> batches, long appliedIndex, long appliedTerm) {
    LogState before = state;
    requireAppliedAdvances(before, appliedIndex, appliedTerm);
    AppendOutcome[] outcomes = new AppendOutcome[batches.size()];
    LogState[] after = new LogState[1];
    long[] timeIndexMax = new long[1];
    env.write(txn -> {
      // Run again from the start if LMDB grows its map (see LogEnv.write), so nothing outside the txn changes here.
      LogState running = before;
      long runningTimeIndexMax = timeIndexMaxTimestampMs;
      for (int i = 0; i < outcomes.length; i++) {
        BatchAppend batch = batches.get(i);
        try {
          BatchHeader stored = checked(batch, running.nextOffset());
          producers.track(txn, stored, batch.producerIdExpirationMs());
          runningTimeIndexMax = putBatch(txn, stored, batch.payload(), runningTimeIndexMax);
          running = running.afterAppend(stored, BatchHeader.SIZE_BYTES + batch.payload().remaining(), appliedIndex,
              appliedTerm);
          outcomes[i] = new AppendOutcome(stored, null, -1);
        } catch (DuplicateBatchException e) {
          outcomes[i] = new AppendOutcome(null, null, e.getBaseOffset());
        } catch (CorruptBatchException | OutOfOrderSequenceException | ProducerFencedException e) {
          outcomes[i] = new AppendOutcome(null, e, -1);
        }
      }
      running = running.withApplied(appliedIndex, appliedTerm);
      putState(txn, running);
      after[0] = running;
      timeIndexMax[0] = runningTimeIndexMax;
    });
    state = after[0];
    timeIndexMaxTimestampMs = timeIndexMax[0];
    if (after[0].nextOffset() != before.nextOffset()) {
      notifyAppended(after[0].nextOffset());
    }
    return List.of(outcomes);
  }

  /** One batch of a Raft entry that carries several ({@link #appendAll}); fields as in {@link #append}. */
  public record BatchAppend(BatchHeader header, ByteBuffer payload, long producerIdExpirationMs) {
    public BatchAppend {
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /**
   * What became of one batch of {@link #appendAll}: {@code stored} (as stored, with its base offset); or a retry of a
   * batch already stored, whose base offset is {@code duplicateOf}; or {@code refused} with the reason.
   */
  public record AppendOutcome(BatchHeader stored, StorageException refused, long duplicateOf) {}

  /**
   * The header {@code batch} gets at {@code nextOffset}, after checking its size and CRC32C.
   *
   * @throws CorruptBatchException if the payload does not match the header's CRC32C
   */
  private static BatchHeader checked(BatchAppend batch, long nextOffset) {
    if (batch.header().recordCount() <= 0) {
      throw new IllegalArgumentException(
          "a batch needs at least one record, got recordCount " + batch.header().recordCount());
    }
    if (batch.payload().remaining() > BATCH_PAYLOAD_BYTES_MAX) {
      throw new IllegalArgumentException("batch payload of " + batch.payload().remaining()
          + " bytes exceeds BATCH_PAYLOAD_BYTES_MAX " + BATCH_PAYLOAD_BYTES_MAX);
    }
    int payloadCrc = Crc32c.of(batch.payload());
    if (payloadCrc != batch.header().crc32c()) {
      throw new CorruptBatchException("batch for offset " + nextOffset + " failed its CRC32C check: header "
          + Integer.toHexString(batch.header().crc32c()) + ", payload " + Integer.toHexString(payloadCrc));
    }
    return batch.header().withBaseOffset(nextOffset);
  }

  /** What this partition remembers of an idempotent producer, or null if it never wrote here. Any thread. */
  public ProducerEntry producerEntry(long producerId) {
    return env.read(txn -> producers.get(txn, producerId));
  }

  /** Stores a batch at its base offset with the time index and the new state, in one write transaction. */
  private void writeBatch(BatchHeader stored, ByteBuffer payload, LogState after, Consumer<Txn<ByteBuffer>> extra) {
    long[] timeIndexMax = new long[1];
    env.write(txn -> {
      extra.accept(txn);
      timeIndexMax[0] = putBatch(txn, stored, payload, timeIndexMaxTimestampMs);
      putState(txn, after);
    });
    state = after;
    timeIndexMaxTimestampMs = timeIndexMax[0];
    notifyAppended(after.nextOffset());
  }

  /**
   * Puts a batch at its base offset, and a time-index entry when it raises the running maximum timestamp {@code
   * timeIndexMax}; returns the running maximum after it.
   */
  private long putBatch(Txn<ByteBuffer> txn, BatchHeader stored, ByteBuffer payload, long timeIndexMax) {
    int storedBytes = BatchHeader.SIZE_BYTES + payload.remaining();
    // MDB_APPEND: keys only grow, so LMDB fills pages completely instead of splitting them half-empty.
    ByteBuffer value = env.log().reserve(txn, Keys.encodeLong(writeOffsetKey, stored.baseOffset()), storedBytes,
        PutFlags.MDB_APPEND);
    stored.writeTo(value);
    value.put(payload.duplicate());
    if (stored.maxTimestampMs() <= timeIndexMax) {
      return timeIndexMax;
    }
    env.timeIndex().put(txn, Keys.encodeLong(writeTimestampKey, Keys.timestampKey(stored.maxTimestampMs())),
        Keys.encodeLong(writeTimestampValue, stored.baseOffset()), PutFlags.MDB_APPEND);
    return stored.maxTimestampMs();
  }

  /** Records that a Raft entry was applied without appending a batch (meta only, one transaction). Writer only. */
  public synchronized void recordApplied(long appliedIndex, long appliedTerm) {
    LogState before = state;
    requireAppliedAdvances(before, appliedIndex, appliedTerm);
    LogState after = before.withApplied(appliedIndex, appliedTerm);
    env.write(txn -> putState(txn, after));
    state = after;
  }

  /**
   * Deletes the oldest batches so that the log starts at {@code min(offset, nextOffset())}, like Kafka's
   * DeleteRecords, and records the Raft entry that carried the request, all in one write transaction. Writer thread
   * only.
   *
   * <p>Only whole batches go: a batch holding the new start offset stays stored (and counted in {@link #sizeBytes()}),
   * but reads below the new start fail with {@link OffsetOutOfRangeException}. The log start never moves backwards:
   * an offset at or below {@link #logStartOffset()} only records the applied entry. Work is proportional to the
   * batches deleted (the caller chooses the offset); payloads are not read. The file does not shrink: see the class
   * comment.
   *
   * @param offset the requested new log start offset; must be >= 0
   * @param appliedIndex index of the Raft entry being applied; must exceed {@link #lastAppliedIndex()}
   * @param appliedTerm term of that entry; must not be below {@link #lastAppliedTerm()}
   * @return the log start offset after the call
   * @throws CorruptBatchException if a batch to inspect has a bad header; the log is unchanged
   */
  public synchronized long truncateBefore(long offset, long appliedIndex, long appliedTerm) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    LogState before = state;
    requireAppliedAdvances(before, appliedIndex, appliedTerm);
    long newStartOffset = Math.min(offset, before.nextOffset());
    if (newStartOffset <= before.logStartOffset()) {
      LogState after = before.withApplied(appliedIndex, appliedTerm);
      env.write(txn -> putState(txn, after));
      state = after;
      return after.logStartOffset();
    }
    // env.write may run the body again after growing the map, so each run starts from a fresh result.
    Deletion[] deletion = new Deletion[1];
    LogState[] after = new LogState[1];
    env.write(txn -> {
      deletion[0] = deleteBatchesBelow(txn, newStartOffset);
      trimTimeIndex(txn, deletion[0].firstKeptBaseOffset());
      after[0] = before.afterTruncate(newStartOffset, deletion[0].freedBytes(), appliedIndex, appliedTerm);
      putState(txn, after[0]);
    });
    state = after[0];
    if (deletion[0].batches() > 0) {
      releaseFreedPages(after[0]);
    }
    if (deletion[0].firstKeptBaseOffset() < 0) {
      timeIndexMaxTimestampMs = Long.MIN_VALUE; // the time index is empty now, as trimTimeIndex left it
    }
    LOG.debug("truncated partition log {} before {}: deleted {} batches, {} bytes; now {}", dir, newStartOffset,
        deletion[0].batches(), deletion[0].freedBytes(), after[0]);
    return newStartOffset;
  }

  /**
   * Headers and stored sizes of up to {@code limit} batches from the start of the log, in offset order, for retention
   * decisions. The first may start below {@link #logStartOffset()} (a batch straddling it after a truncation). Read in
   * one read transaction; payloads are neither copied nor CRC-checked. Any thread.
   *
   * @param limit the most batches to return; must be > 0
   * @throws CorruptBatchException if a header is damaged
   */
  public List<StoredBatchInfo> oldestBatches(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be > 0, got " + limit);
    }
    return env.read(txn -> new BatchScan(dir, env.log()).oldest(txn, limit));
  }

  /**
   * This log's state and whole batches from {@code fromOffset} (from the log start if that is later) up to about
   * {@code maxBytes}, read in one transaction, for a replica catching up from this one. Any thread.
   *
   * @throws CorruptBatchException if a stored batch fails its CRC32C check: bad data is never handed on
   */
  public ReplicaChunk readForReplica(long fromOffset, int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
    }
    return env.read(txn -> {
      LogState current = readState(txn);
      long from = Math.max(fromOffset, current.logStartOffset());
      List<StoredBatch> batches =
          from >= current.nextOffset() ? List.of() : new BatchScan(dir, env.log()).read(txn, from, maxBytes);
      long end = batches.isEmpty() ? from : batches.get(batches.size() - 1).header().lastOffset() + 1;
      Map<Long, ProducerEntry> producerState = end >= current.nextOffset() ? producers.all(txn) : Map.of();
      return new ReplicaChunk(current.logStartOffset(), current.nextOffset(), current.lastAppliedIndex(),
          current.lastAppliedTerm(), batches, producerState);
    });
  }

  /**
   * Starts (or, after an interrupted attempt in this process, continues) copying batches from another replica:
   * records the current state as the one to roll back to if the copy never finishes.
   */
  public synchronized void beginCatchUp() {
    LogState current = state;
    env.write(txn -> {
      if (env.meta().get(txn, catchUpKey) == null) {
        current.writeTo(metaValue);
        env.meta().put(txn, catchUpKey, metaValue);
      }
    });
    LOG.info("partition log {}: catching up from another replica, starting at {}", dir, current);
  }

  /**
   * Stores one batch copied from another replica (see {@link ReplicaChunk}) at its own base offset, which must not
   * be below {@link #nextOffset()}; it may be above when the source deleted the offsets in between. The applied Raft
   * position is left alone until {@link #finishCatchUp}.
   *
   * @throws IllegalStateException if no catch-up was begun
   * @throws IllegalArgumentException if the batch would overlap the stored ones
   * @throws CorruptBatchException if the payload fails its CRC32C check; the log is unchanged
   */
  public synchronized void appendCaughtUp(StoredBatch batch) {
    requireCatchingUp();
    LogState before = state;
    BatchHeader header = batch.header();
    if (header.baseOffset() < before.nextOffset() || header.recordCount() <= 0) {
      throw new IllegalArgumentException("batch at " + header.baseOffset() + " with " + header.recordCount()
          + " records cannot follow next offset " + before.nextOffset() + " in partition log " + dir);
    }
    ByteBuffer payload = batch.payload();
    int payloadCrc = Crc32c.of(payload);
    if (payloadCrc != header.crc32c()) {
      throw new CorruptBatchException("copied batch at " + header.baseOffset() + " failed its CRC32C check: header "
          + Integer.toHexString(header.crc32c()) + ", payload " + Integer.toHexString(payloadCrc));
    }
    LogState after = before.afterAppend(header, batch.sizeBytes(), before.lastAppliedIndex(),
        before.lastAppliedTerm());
    writeBatch(header, payload, after, txn -> { });
  }

  /**
   * Ends a catch-up: moves the log start to the source's, takes on the source's idempotent-producer state, records
   * the source's applied Raft position as this log's, and drops the roll-back marker, in one transaction.
   *
   * @param logStartOffset the source's log start; at most {@link #nextOffset()}
   * @param appliedIndex the source's last applied Raft index; must exceed {@link #lastAppliedIndex()}
   * @param appliedTerm its term
   * @param producers the source's producer state, from the chunk that completed the copy
   */
  public synchronized void finishCatchUp(long logStartOffset, long appliedIndex, long appliedTerm,
      Map<Long, ProducerEntry> producers) {
    requireCatchingUp();
    LogState before = state;
    requireAppliedAdvances(before, appliedIndex, appliedTerm);
    long newStartOffset = Math.max(before.logStartOffset(), logStartOffset);
    Deletion[] deletion = new Deletion[1];
    LogState[] after = new LogState[1];
    env.write(txn -> {
      deletion[0] = deleteBatchesBelow(txn, newStartOffset);
      trimTimeIndex(txn, deletion[0].firstKeptBaseOffset());
      after[0] = before.afterTruncate(newStartOffset, deletion[0].freedBytes(), appliedIndex, appliedTerm);
      putState(txn, after[0]);
      this.producers.replaceAll(txn, producers);
      env.meta().delete(txn, catchUpKey);
    });
    state = after[0];
    timeIndexMaxTimestampMs = env.read(this::readTimeIndexMax);
    LOG.info("partition log {}: caught up from another replica, now {}", dir, after[0]);
  }

  /**
   * Replaces a stored batch that fails its checks with an intact copy of the same batch from another replica. Every
   * replica stores a batch byte for byte alike (the same header, append time and payload), so the copy must be
   * exactly as long as the damaged value; offsets, state and Raft position do not change.
   *
   * <p>Compaction is the exception: each replica compacts its own log, at its own time, so a compacted batch may
   * differ between replicas (or be gone from one). Rewriting is deterministic (the same records kept give the same
   * bytes), so a copy compacted alike repairs it; a copy of a different length is refused here, and the damaged
   * batch stays unserved until another way (catch-up, a new replica) replaces it.
   *
   * @param intact the batch as another replica stores it, CRC-checked ({@link StoredBatch#fromStoredBytes})
   * @return true if the stored batch was replaced, false if it already was identical to {@code intact}
   * @throws IllegalArgumentException if no batch is stored at its base offset or the stored one differs in length
   */
  public synchronized boolean repairBatch(StoredBatch intact) {
    long baseOffset = intact.header().baseOffset();
    byte[] bytes = intact.toStoredBytes();
    boolean[] replaced = {false};
    env.write(txn -> {
      ByteBuffer key = Keys.encodeLong(writeOffsetKey, baseOffset);
      ByteBuffer damaged = env.log().get(txn, key);
      if (damaged == null || damaged.remaining() != bytes.length) {
        throw new IllegalArgumentException("partition log " + dir + " holds no batch of " + bytes.length
            + " bytes at base offset " + baseOffset + " to repair");
      }
      if (damaged.equals(ByteBuffer.wrap(bytes))) {
        return; // repaired already (a read that found the damage before an earlier repair asked again)
      }
      env.log().reserve(txn, key, bytes.length).put(bytes);
      replaced[0] = true;
    });
    if (replaced[0]) {
      LOG.warn("partition log {}: repaired the batch at base offset {} with another replica's copy", dir, baseOffset);
    }
    return replaced[0];
  }

  /**
   * Rewrites one chunk of batches for compaction, in one write transaction: up to {@code batchesMax} batches, from the
   * first one whose base offset is at least {@code fromOffset}, that start below {@code endOffset}. Each is
   * CRC-checked and handed to {@code rewriter}; a batch it shrinks is stored again under the same base offset with the
   * same header (record count = the offset span, producer fields, timestamps, append time, codec) and the new
   * payload's CRC32C, and a batch it empties is removed. A rewrite that would not be smaller is not stored (keeping
   * more records than needed is always allowed). Offsets, the log start, the next offset, the Raft position and
   * producer state do not change; the log's size does. Writer method: appends wait for the chunk, so callers keep
   * chunks small.
   *
   * @throws CorruptBatchException if a batch fails its checks; the chunk is not applied
   * @throws StorageException if a catch-up is in progress or the log ends below {@code endOffset} (a catch-up was
   *     rolled back since the caller read it); nothing is applied
   */
  public synchronized CompactionChunk compactBatches(long fromOffset, long endOffset, int batchesMax,
      BatchRewriter rewriter) {
    if (batchesMax <= 0) {
      throw new IllegalArgumentException("batchesMax must be > 0, got " + batchesMax);
    }
    LogState before = state;
    // The key map may hold offsets of batches a catch-up copied and then rolled back: compacting against them could
    // drop the only remaining record of a key. Wait until the catch-up is over and the log reaches the mapped range.
    if (endOffset > before.nextOffset() || env.read(txn -> env.meta().get(txn, catchUpKey)) != null) {
      throw new StorageException("partition log " + dir + " is catching up from another replica or ends below "
          + endOffset + ": compaction waits for a later pass");
    }
    CompactionChunk[] chunk = new CompactionChunk[1];
    LogState[] after = new LogState[1];
    env.write(txn -> {
      // env.write may run this again after growing the map: every counter starts afresh.
      chunk[0] = compactChunk(txn, fromOffset, endOffset, batchesMax, rewriter);
      after[0] = before.afterCompaction(chunk[0].bytesFreed());
      putState(txn, after[0]);
    });
    state = after[0];
    return chunk[0];
  }

  /** Rewrites, or removes, whole batches for compaction; see {@link #compactBatches}. */
  @FunctionalInterface
  public interface BatchRewriter {
    /**
     * @param payload the stored payload, read-only and valid only during the call
     * @return null to keep the batch as it is, an empty buffer to remove it, or the new payload
     */
    ByteBuffer rewrite(BatchHeader header, ByteBuffer payload);
  }

  private CompactionChunk compactChunk(Txn<ByteBuffer> txn, long fromOffset, long endOffset, int batchesMax,
      BatchRewriter rewriter) {
    BatchScan scan = new BatchScan(dir, env.log());
    long next = fromOffset;
    int read = 0;
    int shrunkBatches = 0;
    int deleted = 0;
    long bytesRead = 0;
    long bytesFreed = 0;
    try (Cursor<ByteBuffer> cursor = env.log().openCursor(txn)) {
      while (read < batchesMax) {
        // Seek afresh each time: a put or delete may leave the cursor anywhere.
        if (!cursor.get(Keys.readKey(next), GetOp.MDB_SET_RANGE) || Keys.decodeLong(cursor.key()) >= endOffset) {
          return new CompactionChunk(next, true, read, bytesRead, shrunkBatches, deleted, bytesFreed);
        }
        long baseOffset = Keys.decodeLong(cursor.key());
        ByteBuffer value = cursor.val();
        BatchHeader header = scan.header(baseOffset, value);
        ByteBuffer payload = value.duplicate().position(value.position() + BatchHeader.SIZE_BYTES).slice();
        int payloadCrc = Crc32c.of(payload);
        if (payloadCrc != header.crc32c()) {
          throw new CorruptBatchException("partition log " + dir + ": stored batch at base offset " + baseOffset
              + " is corrupt: CRC32C of the payload is " + Integer.toHexString(payloadCrc) + ", header says "
              + Integer.toHexString(header.crc32c()), baseOffset);
        }
        int storedBytes = value.remaining();
        read++;
        bytesRead += storedBytes;
        next = header.lastOffset() + 1;
        ByteBuffer rewritten = rewriter.rewrite(header, payload.asReadOnlyBuffer());
        if (rewritten == null) {
          continue;
        }
        // The rewrite may alias the stored value, whose page the write below can reuse: copy it out first.
        ByteBuffer kept = ByteBuffer.allocate(rewritten.remaining()).put(rewritten.duplicate()).flip();
        ByteBuffer key = Keys.encodeLong(writeOffsetKey, baseOffset);
        if (!kept.hasRemaining()) {
          env.log().delete(txn, key);
          deleted++;
          bytesFreed += storedBytes;
        } else if (kept.remaining() < payload.remaining()) {
          BatchHeader shrunk = new BatchHeader(baseOffset, header.recordCount(), header.firstTimestampMs(),
              header.maxTimestampMs(), header.producerId(), header.producerEpoch(), header.baseSequence(),
              header.codec(), header.appendTimeMs(), Crc32c.of(kept));
          ByteBuffer out = env.log().reserve(txn, key, BatchHeader.SIZE_BYTES + kept.remaining());
          shrunk.writeTo(out);
          out.put(kept.duplicate());
          shrunkBatches++;
          bytesFreed += payload.remaining() - kept.remaining();
        }
      }
    }
    return new CompactionChunk(next, false, read, bytesRead, shrunkBatches, deleted, bytesFreed);
  }

  /** Index of the last Raft entry applied to this log; -1 when nothing was applied yet. */
  public long lastAppliedIndex() {
    return state.lastAppliedIndex();
  }

  /** Term of the last Raft entry applied to this log; -1 when nothing was applied yet. */
  public long lastAppliedTerm() {
    return state.lastAppliedTerm();
  }

  /** First offset still stored; 0 for a new log. */
  public long logStartOffset() {
    return state.logStartOffset();
  }

  /** The offset the next record gets; every stored offset is committed, so this is also the high watermark. */
  public long nextOffset() {
    return state.nextOffset();
  }

  /**
   * Whole batches, starting with the one containing {@code offset}, until {@code maxBytes} (header + payload) would
   * be exceeded; always at least one batch when one exists at the offset, even if it is larger than maxBytes.
   *
   * @return an empty list when {@code offset == nextOffset()}
   * @throws OffsetOutOfRangeException if offset is below logStartOffset or above nextOffset
   * @throws CorruptBatchException if a stored batch fails its CRC32C check
   */
  public List<StoredBatch> read(long offset, int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
    }
    LogState snapshot = state;
    if (offset < snapshot.logStartOffset() || offset > snapshot.nextOffset()) {
      throw new OffsetOutOfRangeException(offset, snapshot.logStartOffset(), snapshot.nextOffset());
    }
    if (offset == snapshot.nextOffset()) {
      return List.of();
    }
    return env.read(txn -> new BatchScan(dir, env.log()).read(txn, offset, maxBytes));
  }

  /**
   * Base offset of the first batch whose max timestamp is >= {@code timestampMs}, or -1 if there is none. The first
   * time-index entry with key >= timestampMs is that batch: every earlier batch had a smaller max timestamp, so the
   * running maximum first reached timestampMs exactly there.
   *
   * <p>After a truncation the answer is never below {@link #logStartOffset()}. It may be earlier than exact (never
   * later) when timestampMs is at most the largest max timestamp of the deleted batches (see trimTimeIndex).
   */
  public long offsetForTimestamp(long timestampMs) {
    return env.read(txn -> {
      try (Cursor<ByteBuffer> cursor = env.timeIndex().openCursor(txn)) {
        if (!cursor.get(Keys.readKey(Keys.timestampKey(timestampMs)), GetOp.MDB_SET_RANGE)) {
          return -1L;
        }
        // The log start of this txn's snapshot, not the cached state, which is set only after the commit.
        return Math.max(Keys.decodeLong(cursor.val()), readState(txn).logStartOffset());
      }
    });
  }

  /** Bytes of the stored batches (headers + payloads). */
  public long sizeBytes() {
    return state.sizeBytes();
  }

  /** Current LMDB map size; grows by doubling up to {@link LogConfig#mapSizeMaxBytes()}. */
  public long mapSizeBytes() {
    return env.mapSizeBytes();
  }

  /**
   * Refuses a batch of {@code batchBytes} (header + payload) that would not fit: the map could not grow enough within
   * mapSizeMaxBytes, or the file system would keep less than diskFreeMinBytes free. Called by the node before it
   * submits a batch to Raft, so a full replica rejects the produce instead of failing at apply time. Any thread.
   *
   * @throws StorageFullException with the sizes involved
   */
  public void checkCapacity(int batchBytes) {
    env.checkCapacity(batchBytes);
  }

  /** Forces all written data to disk; called before a Raft snapshot is recorded, as LMDB runs with MDB_NOSYNC. */
  public void sync() {
    env.sync();
  }

  /**
   * Runs {@code onAppend} with the new nextOffset on the writer thread after each committed append; it must be
   * quick (wake long-polls and subscribers, nothing more).
   */
  public void setAppendListener(LongConsumer onAppend) {
    this.appendListener = Objects.requireNonNull(onAppend, "onAppend");
  }

  /** Waits for running reads, syncs and closes the environment; later calls fail with IllegalStateException. */
  @Override
  public void close() {
    env.close();
    LOG.debug("closed partition log {}", dir);
  }

  @Override
  public String toString() {
    return "partition log " + dir;
  }

  private void requireAppliedAdvances(LogState before, long appliedIndex, long appliedTerm) {
    // Raft applies each entry once, in index order, and terms never decrease along the log; anything else would
    // store a batch twice or out of order on this replica only.
    if (appliedIndex <= before.lastAppliedIndex() || appliedTerm < before.lastAppliedTerm()) {
      throw new IllegalStateException("Raft entry (index " + appliedIndex + ", term " + appliedTerm
          + ") applied after (index " + before.lastAppliedIndex() + ", term " + before.lastAppliedTerm()
          + ") in partition log " + dir);
    }
  }

  /**
   * Commits one more (meta-only) write transaction so the next append can reuse the pages the truncation freed.
   * LMDB's page allocator only takes free-list records older than the last committed transaction (mdb_page_alloc
   * with mdb_find_oldest = txnid - 1): the previous commit stays intact as the fallback of its two meta pages. Without
   * this, the first append after a truncation in a full map would fail although half the map is free. Failure is
   * only logged: the truncation is committed, and the pages become reusable from the second later write on anyway.
   */
  private void releaseFreedPages(LogState current) {
    try {
      env.write(txn -> putState(txn, current));
    } catch (StorageException e) {
      LOG.warn("partition log {}: could not commit after truncating; freed pages are reused a write later", dir, e);
    }
  }

  /** Batches deleted by one truncation; firstKeptBaseOffset is -1 when no batch is left. */
  private record Deletion(int batches, long freedBytes, long firstKeptBaseOffset) {}

  /**
   * Deletes, from the first key on, every batch whose last offset is below {@code newStartOffset}. Only the header
   * of each value is read: LMDB returns a pointer into the map, so the payload's pages are not touched.
   */
  private Deletion deleteBatchesBelow(Txn<ByteBuffer> txn, long newStartOffset) {
    BatchScan scan = new BatchScan(dir, env.log());
    int batches = 0;
    long freedBytes = 0;
    try (Cursor<ByteBuffer> cursor = env.log().openCursor(txn)) {
      // Always the first key: re-seeking after each delete avoids relying on where a deleting cursor is left.
      while (cursor.first()) {
        ByteBuffer value = cursor.val();
        BatchHeader header = scan.header(Keys.decodeLong(cursor.key()), value);
        if (header.lastOffset() >= newStartOffset) {
          return new Deletion(batches, freedBytes, header.baseOffset());
        }
        freedBytes += value.remaining();
        batches++;
        cursor.delete();
      }
    }
    return new Deletion(batches, freedBytes, -1);
  }

  /**
   * Removes the time-index entries of deleted batches (those pointing below {@code firstKeptBaseOffset}; all of them
   * when no batch is left). The newest removed entry is put back pointing at the first kept batch: its timestamp is
   * the running maximum the kept batches were indexed against, and without it a lookup at or below that timestamp
   * would skip kept batches whose own max timestamp never raised the running maximum. With it such a lookup answers
   * the first kept batch: possibly early, never late, which is the safe side for a consumer seeking by time.
   */
  private void trimTimeIndex(Txn<ByteBuffer> txn, long firstKeptBaseOffset) {
    boolean removedAny = false;
    long newestRemovedKey = 0;
    try (Cursor<ByteBuffer> cursor = env.timeIndex().openCursor(txn)) {
      while (cursor.first()) {
        if (firstKeptBaseOffset >= 0 && Keys.decodeLong(cursor.val()) >= firstKeptBaseOffset) {
          break;
        }
        newestRemovedKey = Keys.decodeLong(cursor.key());
        removedAny = true;
        cursor.delete();
      }
    }
    if (removedAny && firstKeptBaseOffset >= 0) {
      env.timeIndex().put(txn, Keys.encodeLong(writeTimestampKey, newestRemovedKey),
          Keys.encodeLong(writeTimestampValue, firstKeptBaseOffset));
    }
  }

  private void requireCatchingUp() {
    if (env.read(txn -> env.meta().get(txn, catchUpKey)) == null) {
      throw new IllegalStateException("no catch-up in progress in partition log " + dir);
    }
  }

  /**
   * Gives up a catch-up that failed: deletes the batches it copied and restores the state from before it, so the log
   * matches its applied Raft position again. Does nothing when no catch-up is in progress. Opening a log does the
   * same for a catch-up the process died in.
   */
  public synchronized void abandonCatchUp() {
    rollBackUnfinishedCatchUp();
  }

  private void rollBackUnfinishedCatchUp() {
    LogState before = env.read(txn -> {
      ByteBuffer marker = env.meta().get(txn, catchUpKey);
      return marker == null ? null : LogState.readFrom(marker);
    });
    if (before == null) {
      return;
    }
    LOG.warn("partition log {}: an unfinished catch-up is rolled back from {} to {}", dir, state, before);
    env.write(txn -> {
      try (Cursor<ByteBuffer> cursor = env.log().openCursor(txn)) {
        while (cursor.last() && Keys.decodeLong(cursor.key()) >= before.nextOffset()) {
          cursor.delete();
        }
      }
      try (Cursor<ByteBuffer> cursor = env.timeIndex().openCursor(txn)) {
        while (cursor.last() && Keys.decodeLong(cursor.val()) >= before.nextOffset()) {
          cursor.delete();
        }
      }
      putState(txn, before);
      env.meta().delete(txn, catchUpKey);
    });
    state = before;
    timeIndexMaxTimestampMs = env.read(this::readTimeIndexMax);
  }

  private void putState(Txn<ByteBuffer> txn, LogState newState) {
    newState.writeTo(metaValue);
    env.meta().put(txn, metaKey, metaValue);
  }

  private void notifyAppended(long nextOffset) {
    try {
      appendListener.accept(nextOffset);
    } catch (RuntimeException e) {
      // The batch is committed; a listener bug must not look like a failed append to the Raft apply thread.
      LOG.error("append listener of partition log {} failed at nextOffset {}", dir, nextOffset, e);
    }
  }

  private LogState readState(Txn<ByteBuffer> txn) {
    ByteBuffer stored = env.meta().get(txn, metaKey);
    return stored == null ? LogState.EMPTY : LogState.readFrom(stored);
  }

  private long readTimeIndexMax(Txn<ByteBuffer> txn) {
    try (Cursor<ByteBuffer> cursor = env.timeIndex().openCursor(txn)) {
      return cursor.last() ? Keys.timestampOfKey(Keys.decodeLong(cursor.key())) : Long.MIN_VALUE;
    }
  }
}
