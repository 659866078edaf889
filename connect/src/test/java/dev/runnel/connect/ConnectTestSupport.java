package dev.runnel.connect;

import dev.runnel.loadtest.LocalNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared set-up: worker properties pointing at a test node, reading files as lines. */
final class ConnectTestSupport {
  private ConnectTestSupport() {}

  static Map<String, String> workerProps(LocalNode node, Path dir) {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", node.bootstrap());
    props.put("offset.storage.file.filename", dir.resolve("offsets.json").toString());
    props.put("offset.flush.interval.ms", "200");
    props.put("rest.port", "0");
    props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    return props;
  }

  /** A map from key, value, key, value ... (Map.of stops at 10 pairs). */
  static Map<String, String> props(String... keyValues) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put(keyValues[i], keyValues[i + 1]);
    }
    return out;
  }

  static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void append(Path file, String... lines) {
    try {
      Files.writeString(file, String.join("\n", lines) + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
