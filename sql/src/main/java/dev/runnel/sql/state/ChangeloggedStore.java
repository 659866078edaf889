package dev.runnel.sql.state;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A store whose writes are also sent to a changelog (a compacted topic): {@link #commit} first
 * hands the last value of each key written since the previous commit to {@code changelog} (null
 * for a delete), then commits locally. Restoring = replaying the changelog with {@link #restore}.
 */
public final class ChangeloggedStore implements KeyValueStore {
  private final KeyValueStore inner;
  private final BiConsumer<byte[], byte[]> changelog;
  private final Map<ByteBuffer, byte[]> dirty = new LinkedHashMap<>();

  /** {@code changelog} null: local only (transient queries). */
  public ChangeloggedStore(KeyValueStore inner, BiConsumer<byte[], byte[]> changelog) {
    this.inner = inner;
    this.changelog = changelog;
  }

  @Override
  public byte[] get(byte[] key) {
    return inner.get(key);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    inner.put(key, value);
    if (changelog != null) {
      dirty.put(ByteBuffer.wrap(key), value);
    }
  }

  /** Applies one changelog record without logging it again. */
  public void restore(byte[] key, byte[] value) {
    inner.put(key, value);
  }

  @Override
  public List<Entry> range(byte[] from, byte[] to, int max) {
    return inner.range(from, to, max);
  }

  @Override
  public void commit() {
    for (Map.Entry<ByteBuffer, byte[]> e : dirty.entrySet()) {
      changelog.accept(e.getKey().array(), e.getValue());
    }
    dirty.clear();
    inner.commit();
  }

  @Override
  public void close() {
    inner.close();
  }
}
