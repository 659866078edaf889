package dev.runnel.sql.state;

import dev.runnel.sql.SqlException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * A task's state in one LMDB environment. Writes of a batch share one write transaction, opened
 * on the first write and ended by {@link #commit}; reads see the open transaction's writes. The
 * changelog topic, not this file, is what makes state durable (hence MDB_NOSYNC): a task
 * restores by replaying the changelog into a fresh store.
 */
public final class LmdbStore implements KeyValueStore {
  /** Upper bound of a store's size; LMDB's map is sparse, so this costs nothing until used. */
  public static final long MAP_SIZE_BYTES_DEFAULT = 1L << 30;
  private final Env<ByteBuffer> env;
  private final Dbi<ByteBuffer> db;
  private final Path dir;
  private final ByteBuffer keyBuffer = ByteBuffer.allocateDirect(KEY_BYTES_MAX);
  private final ByteBuffer keyBuffer2 = ByteBuffer.allocateDirect(KEY_BYTES_MAX);
  private ByteBuffer valueBuffer = ByteBuffer.allocateDirect(4096);
  private Txn<ByteBuffer> writeTxn;

  private LmdbStore(Path dir, long mapSizeBytes) {
    this.dir = dir;
    this.env = Env.create().setMapSize(mapSizeBytes).setMaxDbs(1).setMaxReaders(8)
        .open(dir.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOTLS);
    this.db = env.openDbi("state", DbiFlags.MDB_CREATE);
  }

  /** Opens an empty store in {@code dir}, deleting what a previous run left there. */
  public static LmdbStore openFresh(Path dir) {
    return openFresh(dir, MAP_SIZE_BYTES_DEFAULT);
  }

  public static LmdbStore openFresh(Path dir, long mapSizeBytes) {
    deleteRecursively(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create state directory " + dir, e);
    }
    return new LmdbStore(dir, mapSizeBytes);
  }

  @Override
  public byte[] get(byte[] key) {
    ByteBuffer k = key(keyBuffer, key);
    if (writeTxn != null) {
      return copy(db.get(writeTxn, k));
    }
    try (Txn<ByteBuffer> txn = env.txnRead()) {
      return copy(db.get(txn, k));
    }
  }

  @Override
  public void put(byte[] key, byte[] value) {
    Txn<ByteBuffer> txn = writeTxn();
    ByteBuffer k = key(keyBuffer, key);
    if (value == null) {
      db.delete(txn, k);
      return;
    }
    if (valueBuffer.capacity() < value.length) {
      valueBuffer = ByteBuffer.allocateDirect(Math.max(value.length, valueBuffer.capacity() * 2));
    }
    valueBuffer.clear();
    valueBuffer.put(value).flip();
    db.put(txn, k, valueBuffer);
  }

  @Override
  public List<Entry> range(byte[] from, byte[] to, int max) {
    List<Entry> out = new ArrayList<>();
    Txn<ByteBuffer> txn = writeTxn != null ? writeTxn : env.txnRead();
    try (Cursor<ByteBuffer> cursor = db.openCursor(txn)) {
      ByteBuffer start = key(keyBuffer2, from);
      boolean found = cursor.get(start, GetOp.MDB_SET_RANGE);
      while (found && out.size() < max) {
        byte[] k = copy(cursor.key());
        if (compare(k, to) >= 0) {
          break;
        }
        out.add(new Entry(k, copy(cursor.val())));
        found = cursor.next();
      }
    } finally {
      if (txn != writeTxn) {
        txn.close();
      }
    }
    return out;
  }

  @Override
  public void commit() {
    if (writeTxn != null) {
      writeTxn.commit();
      writeTxn.close();
      writeTxn = null;
    }
  }

  @Override
  public void close() {
    if (writeTxn != null) {
      writeTxn.abort();
      writeTxn = null;
    }
    env.close();
  }

  /** Closes and removes the store's files (a task that moved away or a dropped query). */
  public void destroy() {
    close();
    deleteRecursively(dir);
  }

  private Txn<ByteBuffer> writeTxn() {
    if (writeTxn == null) {
      writeTxn = env.txnWrite();
    }
    return writeTxn;
  }

  private static ByteBuffer key(ByteBuffer buffer, byte[] key) {
    if (key.length == 0 || key.length > KEY_BYTES_MAX) {
      throw new SqlException("state key of " + key.length + " bytes is outside LMDB's 1.." + KEY_BYTES_MAX
          + " (is a GROUP BY value very long?)");
    }
    buffer.clear();
    buffer.put(key).flip();
    return buffer;
  }

  private static byte[] copy(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  public static int compare(byte[] a, byte[] b) {
    return java.util.Arrays.compareUnsigned(a, b);
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
