package dev.runnel.connect.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOffsetStoreTest {
  @TempDir Path dir;

  @Test
  void offsetsSurviveAReopen_andReadBackAsKafkaConnectWould() {
    Path file = dir.resolve("offsets.json");
    FileOffsetStore store = new FileOffsetStore(file);
    store.put("c1", 0, Map.of(Map.of("file", "a"), Map.of("position", 42)));
    store.put("c1", 0, Map.of(Map.of("file", "a"), Map.of("position", 43)));
    store.put("c2", 0, Map.of(Map.of("file", "a"), Map.of("position", 7)));
    FileOffsetStore reopened = new FileOffsetStore(file);
    // Numbers come back as Long, as after Kafka Connect's JSON round trip.
    assertEquals(Map.of(Map.of("file", "a"), Map.of("position", 43L)), reopened.offsets("c1"));
    assertEquals(Map.of(Map.of("file", "a"), Map.of("position", 7L)), reopened.offsets("c2"));
    assertEquals(Map.of(), reopened.offsets("nope"));
  }
}
