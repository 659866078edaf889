package dev.runnel.sql.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An in-memory KeyValueStore with LMDB's key order, for processor tests. */
public final class MemoryStore implements KeyValueStore {
  private final TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);

  @Override
  public byte[] get(byte[] key) {
    return map.get(key);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  @Override
  public List<Entry> range(byte[] from, byte[] to, int max) {
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : map.subMap(from, true, to, false).entrySet()) {
      if (out.size() >= max) {
        break;
      }
      out.add(new Entry(e.getKey(), e.getValue()));
    }
    return out;
  }

  public int size() {
    return map.size();
  }

  @Override
  public void commit() {}

  @Override
  public void close() {}
}
