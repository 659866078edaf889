package dev.runnel.connectors.testing;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * What a runtime gives a source task, reduced to what these connectors use: the task config and
 * the offsets "the runtime stored", here a map the test fills.
 */
public final class TestSourceTaskContext implements SourceTaskContext {
  private final Map<String, String> configs;
  private final Map<Map<String, ?>, Map<String, Object>> offsets = new HashMap<>();

  public TestSourceTaskContext(Map<String, String> configs) {
    this.configs = configs;
  }

  /** Stores an offset as a runtime would after delivering a record. */
  public TestSourceTaskContext withOffset(Map<String, ?> partition, Map<String, ?> offset) {
    offsets.put(Map.copyOf(partition), new HashMap<>(offset));
    return this;
  }

  @Override
  public Map<String, String> configs() {
    return configs;
  }

  @Override
  public OffsetStorageReader offsetStorageReader() {
    return new OffsetStorageReader() {
      @Override
      public <T> Map<String, Object> offset(Map<String, T> partition) {
        return offsets.get(partition);
      }

      @Override
      public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
        Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
        for (Map<String, T> partition : partitions) {
          Map<String, Object> offset = offsets.get(partition);
          if (offset != null) {
            found.put(partition, offset);
          }
        }
        return found;
      }
    };
  }

  @Override
  public PluginMetrics pluginMetrics() {
    return null;
  }
}
