package dev.runnel.connect.storage;

import java.util.Map;

/**
 * Where source offsets live: a local file in standalone mode, the offsets topic in distributed
 * mode. Writes happen only after the records they cover were acknowledged (at-least-once).
 */
public interface OffsetStore extends AutoCloseable {
  /** The latest offset of each of the connector's source partitions. */
  Map<Map<String, Object>, Map<String, Object>> offsets(String connector);

  /** Stores offsets written by {@code taskId} (durably, before returning). */
  void put(String connector, int taskId, Map<Map<String, ?>, Map<String, ?>> offsets);

  @Override
  default void close() {}
}
