package dev.runnel.storage;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
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
 * <p>Threading: one writer thread (the Raft apply thread) calls {@link #append} and {@link #recordApplied}; any
 * number of reader threads call the other methods. The log state is cached in a volatile immutable {@link LogState}
 * so hot-path getters never open a transaction.
 *
 * <p>Databases: {@code log} (8-byte big-endian base offset → header + payload), {@code timeindex} (running maximum
 * timestamp → base offset, an entry only when the running maximum grows, like Kafka's time index) and {@code meta}
 * (the {@link LogState}). One append writes all three in one transaction.
 */
public final class PartitionLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  /** Largest payload accepted; LMDB could store more, but the node's own batch limit is far below this. */
  public static final int BATCH_PAYLOAD_BYTES_MAX = 256 * 1024 * 1024;

  private final Path dir;
  private final LogEnv env;

  // Writer-thread-only direct buffers, reused so an append allocates no direct memory.
  private final ByteBuffer writeOffsetKey = Keys.newLongBuffer();
  private final ByteBuffer writeTimestampKey = Keys.newLongBuffer();
  private final ByteBuffer writeTimestampValue = Keys.newLongBuffer();
  private final ByteBuffer metaKey;
  private final ByteBuffer metaValue = ByteBuffer.allocateDirect(LogState.SIZE_BYTES);

  /** Largest timestamp in the time index; Long.MIN_VALUE when it is empty. Writer thread only. */
  private long timeIndexMaxTimestampMs;

  private volatile LogState state;
  private volatile LongConsumer appendListener = nextOffset -> { };

  private PartitionLog(Path dir, LogEnv env) {
    this.dir = dir;
    this.env = env;
    this.metaKey = ByteBuffer.allocateDirect(Keys.LOG_STATE.length).put(Keys.LOG_STATE).flip();
    this.state = env.read(this::readState);
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
   * @throws CorruptBatchException if {@code Crc32c.of(payload) != header.crc32c()}; the log is unchanged
   * @throws StorageFullException if the map is at its maximum or the disk is full; the log is unchanged
   */
  public BatchHeader append(BatchHeader header, ByteBuffer payload, long appliedIndex, long appliedTerm) {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(payload, "payload");
    if (header.recordCount() <= 0) {
      throw new IllegalArgumentException("a batch needs at least one record, got recordCount " + header.recordCount());
    }
    if (payload.remaining() > BATCH_PAYLOAD_BYTES_MAX) {
      throw new IllegalArgumentException("batch payload of " + payload.remaining()
          + " bytes exceeds BATCH_PAYLOAD_BYTES_MAX " + BATCH_PAYLOAD_BYTES_MAX);
    }
    LogState before = state;
    requireAppliedAdvances(before, appliedIndex, appliedTerm);
    int payloadCrc = Crc32c.of(payload);
    if (payloadCrc != header.crc32c()) {
      throw new CorruptBatchException("batch for offset " + before.nextOffset() + " failed its CRC32C check: header "
          + Integer.toHexString(header.crc32c()) + ", payload " + Integer.toHexString(payloadCrc));
    }
    BatchHeader stored = header.withBaseOffset(before.nextOffset());
    int storedBytes = BatchHeader.SIZE_BYTES + payload.remaining();
    LogState after = before.afterAppend(stored, storedBytes, appliedIndex, appliedTerm);
    boolean timeIndexGrows = stored.maxTimestampMs() > timeIndexMaxTimestampMs;
    env.write(txn -> {
      // MDB_APPEND: keys only grow, so LMDB fills pages completely instead of splitting them half-empty.
      ByteBuffer value = env.log().reserve(txn, Keys.encodeLong(writeOffsetKey, stored.baseOffset()), storedBytes,
          PutFlags.MDB_APPEND);
      stored.writeTo(value);
      value.put(payload.duplicate());
      if (timeIndexGrows) {
        env.timeIndex().put(txn, Keys.encodeLong(writeTimestampKey, Keys.timestampKey(stored.maxTimestampMs())),
            Keys.encodeLong(writeTimestampValue, stored.baseOffset()), PutFlags.MDB_APPEND);
      }
      putState(txn, after);
    });
    state = after;
    if (timeIndexGrows) {
      timeIndexMaxTimestampMs = stored.maxTimestampMs();
    }
    notifyAppended(after.nextOffset());
    return stored;
  }

  /** Records that a Raft entry was applied without appending a batch (meta only, one transaction). Writer only. */
  public void recordApplied(long appliedIndex, long appliedTerm) {
    LogState before = state;
    requireAppliedAdvances(before, appliedIndex, appliedTerm);
    LogState after = before.withApplied(appliedIndex, appliedTerm);
    env.write(txn -> putState(txn, after));
    state = after;
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
   */
  public long offsetForTimestamp(long timestampMs) {
    return env.read(txn -> {
      try (Cursor<ByteBuffer> cursor = env.timeIndex().openCursor(txn)) {
        if (!cursor.get(Keys.readKey(Keys.timestampKey(timestampMs)), GetOp.MDB_SET_RANGE)) {
          return -1L;
        }
        return Keys.decodeLong(cursor.val());
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

  private void requireAppliedAdvances(LogState before, long appliedIndex, long appliedTerm) {
    // Raft applies each entry once, in index order, and terms never decrease along the log; anything else would
    // store a batch twice or out of order on this replica only.
    if (appliedIndex <= before.lastAppliedIndex() || appliedTerm < before.lastAppliedTerm()) {
      throw new IllegalStateException("Raft entry (index " + appliedIndex + ", term " + appliedTerm
          + ") applied after (index " + before.lastAppliedIndex() + ", term " + before.lastAppliedTerm()
          + ") in partition log " + dir);
    }
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
