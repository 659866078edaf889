package dev.runnel.connect.runtime;

import dev.runnel.connect.storage.OffsetCodec;
import dev.runnel.connect.storage.OffsetStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/** A connector's view of its committed source offsets. */
final class SourceOffsetReader implements OffsetStorageReader {
  private final String connector;
  private final OffsetStore store;
  private final OffsetCodec codec = new OffsetCodec();

  SourceOffsetReader(String connector, OffsetStore store) {
    this.connector = connector;
    this.store = store;
  }

  @Override
  public <T> Map<String, Object> offset(Map<String, T> partition) {
    return offsets(java.util.List.of(partition)).get(partition);
  }

  @Override
  public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
    Map<Map<String, Object>, Map<String, Object>> all = store.offsets(connector);
    Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
    for (Map<String, T> partition : partitions) {
      Map<String, Object> offset = all.get(codec.normalize(partition));
      if (offset != null) {
        out.put(partition, offset);
      }
    }
    return out;
  }
}
