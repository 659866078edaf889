package dev.runnel.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbNativeException;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LMDB environment of one partition log: its three databases, transactions, map growth and capacity checks.
 *
 * <p>{@code mdb_env_set_mapsize} must not run while any transaction of this process is open, and using an env after
 * {@code mdb_env_close} touches unmapped memory. Both are prevented by {@link #envLock}: every transaction runs under
 * its read lock; growing the map and closing take its write lock.
 */
final class LogEnv implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogEnv.class);

  static final String LOG_DB = "log";
  static final String TIME_INDEX_DB = "timeindex";
  static final String META_DB = "meta";
  static final String PRODUCERS_DB = "producers";
  private static final int DBS_MAX = 8;

  /** Concurrent read transactions (fetch and subscribe threads); LMDB fails a read beyond this with READERS_FULL. */
  static final int READERS_MAX = 1024;

  /**
   * Pages one append may dirty besides the batch itself: copy-on-write of the B-tree path (depth ~4) in each of the
   * three databases, the main database and the free list. An estimate with margin, used only by checkCapacity.
   */
  private static final int APPEND_OVERHEAD_PAGES = 32;

  /** LMDB's two meta pages at the start of the file, which no database's statistics count. */
  private static final int META_PAGES = 2;

  /** errno ENOSPC on Linux: LMDB (without MDB_WRITEMAP) reports a full disk as this code from the commit's write(). */
  private static final int ENOSPC = 28;

  private final Path dir;
  /**
   * The file system of {@link #dir}, looked up once: finding it reads the mount table, which cost about 1 % of a
   * node's CPU when done for every produced batch; its usable space is read afresh on each check.
   */
  private final FileStore fileStore;
  private final LogConfig config;
  private final Env<ByteBuffer> env;
  private final Dbi<ByteBuffer> log;
  private final Dbi<ByteBuffer> timeIndex;
  private final Dbi<ByteBuffer> meta;
  private final Dbi<ByteBuffer> producers;
  private final long pageSizeBytes;
  private final ReentrantReadWriteLock envLock = new ReentrantReadWriteLock();
  private volatile long mapSizeBytes;
  private boolean closed; // guarded by envLock

  private LogEnv(Path dir, LogConfig config, Env<ByteBuffer> env) {
    this.dir = dir;
    try {
      this.fileStore = Files.getFileStore(dir);
    } catch (IOException e) {
      throw new StorageException("cannot find the file system of partition log directory " + dir, e);
    }
    this.config = config;
    this.env = env;
    this.log = env.openDbi(LOG_DB, DbiFlags.MDB_CREATE);
    this.timeIndex = env.openDbi(TIME_INDEX_DB, DbiFlags.MDB_CREATE);
    this.meta = env.openDbi(META_DB, DbiFlags.MDB_CREATE);
    this.producers = env.openDbi(PRODUCERS_DB, DbiFlags.MDB_CREATE);
    this.pageSizeBytes = env.stat().pageSize;
    this.mapSizeBytes = env.info().mapSize;
  }

  static LogEnv open(Path dir, LogConfig config) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create partition log directory " + dir, e);
    }
    // MDB_NOSYNC: durability comes from the Raft log, and sync() is called before a snapshot is recorded.
    // MDB_NOTLS: read transactions are not tied to a thread, so pooled (and virtual) threads can use them.
    // No MDB_WRITEMAP: writes then go through write(), so a full disk is an error code instead of a SIGBUS.
    Env<ByteBuffer> env = Env.create()
        .setMapSize(config.mapSizeInitialBytes())
        .setMaxDbs(DBS_MAX)
        .setMaxReaders(READERS_MAX)
        .open(dir.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOTLS);
    try {
      return new LogEnv(dir, config, env);
    } catch (RuntimeException e) {
      env.close();
      throw e;
    }
  }

  Dbi<ByteBuffer> log() {
    return log;
  }

  Dbi<ByteBuffer> timeIndex() {
    return timeIndex;
  }

  Dbi<ByteBuffer> producers() {
    return producers;
  }

  Dbi<ByteBuffer> meta() {
    return meta;
  }

  long mapSizeBytes() {
    return mapSizeBytes;
  }

  /** Runs {@code body} in a read transaction; it must copy out whatever it keeps, the txn ends when it returns. */
  <R> R read(Function<Txn<ByteBuffer>, R> body) {
    envLock.readLock().lock();
    try {
      requireOpen();
      try (Txn<ByteBuffer> txn = env.txnRead()) {
        return body.apply(txn);
      }
    } finally {
      envLock.readLock().unlock();
    }
  }

  /**
   * Runs {@code body} in a write transaction and commits it. When the map is full the transaction is aborted, the map
   * grown and {@code body} run again; {@code body} must therefore only write to the transaction. The loop ends
   * because each retry follows a strictly larger map, and growth stops (with StorageFullException) at the maximum.
   * Writer thread only.
   */
  void write(Consumer<Txn<ByteBuffer>> body) {
    while (true) {
      envLock.readLock().lock();
      try {
        requireOpen();
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
          body.accept(txn);
          txn.commit();
          return;
        }
      } catch (Env.MapFullException e) {
        LOG.debug("LMDB map of {} is full at {} bytes", dir, mapSizeBytes);
      } catch (LmdbNativeException e) {
        if (e.getResultCode() == ENOSPC) {
          throw new StorageFullException("disk full while writing partition log " + dir, e);
        }
        throw new StorageException("LMDB write to partition log " + dir + " failed", e);
      } finally {
        envLock.readLock().unlock();
      }
      growMap();
    }
  }

  /** Doubles the map, capped at mapSizeMaxBytes; no transaction of this process may be open. */
  private void growMap() {
    long maxBytes = config.mapSizeMaxBytes();
    long currentBytes = mapSizeBytes;
    if (currentBytes >= maxBytes) {
      throw new StorageFullException("partition log " + dir + " is full: LMDB map of " + currentBytes
          + " bytes has reached mapSizeMaxBytes " + maxBytes + " and cannot hold the batch");
    }
    long doubledBytes = currentBytes > maxBytes / 2 ? maxBytes : currentBytes * 2;
    long newBytes = Math.max(currentBytes + 1, doubledBytes / pageSizeBytes * pageSizeBytes);
    envLock.writeLock().lock();
    try {
      requireOpen();
      env.setMapSize(Math.min(maxBytes, newBytes));
      mapSizeBytes = env.info().mapSize;
    } finally {
      envLock.writeLock().unlock();
    }
    LOG.info("grew LMDB map of partition log {} from {} to {} bytes (max {})", dir, currentBytes, mapSizeBytes,
        maxBytes);
  }

  /**
   * Bytes of the data file holding live data: LMDB's high-water page mark minus the pages on its free list (freed by
   * deletes and copy-on-write), which later writes reuse before the mark moves. Free pages are counted as the pages
   * below the mark that no database uses (LMDB's mdb_stat -f does the same sum), so the estimate is optimistic by
   * the free list's own few pages, by pages still visible to open read transactions (and to the previous commit,
   * which LMDB keeps as a fallback), and by fragmentation: a batch larger than a page needs a contiguous run of free
   * pages. The margin of {@link #APPEND_OVERHEAD_PAGES} covers the first; prefix truncation frees whole batches as
   * contiguous runs, so the last two matter little for a log under retention.
   */
  private long liveBytes() {
    long highWaterPages = env.info().lastPageNumber + 1;
    long livePages = META_PAGES + pages(env.stat());
    try (Txn<ByteBuffer> txn = env.txnRead()) {
      livePages += pages(log.stat(txn)) + pages(timeIndex.stat(txn)) + pages(meta.stat(txn));
    }
    return Math.min(highWaterPages, livePages) * pageSizeBytes;
  }

  private static long pages(Stat stat) {
    return stat.branchPages + stat.leafPages + stat.overflowPages;
  }

  void checkCapacity(int batchBytes) {
    if (batchBytes < 0) {
      throw new IllegalArgumentException("batchBytes must be >= 0, got " + batchBytes);
    }
    long neededBytes = (batchBytes + pageSizeBytes - 1) / pageSizeBytes * pageSizeBytes
        + APPEND_OVERHEAD_PAGES * pageSizeBytes;
    long usedBytes;
    envLock.readLock().lock();
    try {
      requireOpen();
      usedBytes = liveBytes();
    } finally {
      envLock.readLock().unlock();
    }
    if (usedBytes + neededBytes > config.mapSizeMaxBytes()) {
      throw new StorageFullException("partition log " + dir + " is full: " + usedBytes + " bytes used + "
          + neededBytes + " bytes needed for a " + batchBytes + "-byte batch > mapSizeMaxBytes "
          + config.mapSizeMaxBytes());
    }
    long usableBytes;
    try {
      usableBytes = fileStore.getUsableSpace();
    } catch (IOException e) {
      throw new StorageException("cannot read free space of the file system of " + dir, e);
    }
    if (usableBytes - neededBytes < config.diskFreeMinBytes()) {
      throw new StorageFullException("disk of partition log " + dir + " is nearly full: " + usableBytes
          + " bytes usable - " + neededBytes + " bytes needed for a " + batchBytes
          + "-byte batch < diskFreeMinBytes " + config.diskFreeMinBytes());
    }
  }

  void sync() {
    envLock.readLock().lock();
    try {
      requireOpen();
      env.sync(true);
    } finally {
      envLock.readLock().unlock();
    }
  }

  /** Waits for open transactions to end, flushes (a clean stop then needs no Raft replay) and closes. Idempotent. */
  @Override
  public void close() {
    envLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      env.sync(true);
      env.close();
    } finally {
      envLock.writeLock().unlock();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("partition log " + dir + " is closed");
    }
  }
}
