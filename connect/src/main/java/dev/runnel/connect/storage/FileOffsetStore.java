package dev.runnel.connect.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Standalone mode's offsets: the whole map rewritten to a file on each commit (write to a temp
 * file, fsync, rename), so a crash leaves either the old or the new offsets, never half of them.
 * The file is a JSON array of {@code {"key": ..., "value": ...}} in the offsets topic's encoding.
 */
public final class FileOffsetStore implements OffsetStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final OffsetCodec codec = new OffsetCodec();
  /** connector -> partition -> offset; guarded by this. */
  private final Map<String, Map<Map<String, Object>, Map<String, Object>>> offsets = new HashMap<>();

  public FileOffsetStore(Path file) {
    this.file = file;
    load();
  }

  @Override
  public synchronized Map<Map<String, Object>, Map<String, Object>> offsets(String connector) {
    return Map.copyOf(offsets.getOrDefault(connector, Map.of()));
  }

  @Override
  public synchronized void put(String connector, int taskId, Map<Map<String, ?>, Map<String, ?>> update) {
    Map<Map<String, Object>, Map<String, Object>> own = offsets.computeIfAbsent(connector, c -> new LinkedHashMap<>());
    update.forEach(
        (partition, offset) -> {
          OffsetCodec.Entry entry = codec.decode(codec.key(connector, partition), codec.value(offset));
          if (entry.offset() == null) {
            own.remove(entry.partition());
          } else {
            own.put(entry.partition(), entry.offset());
          }
        });
    save();
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      for (JsonNode entry : root) {
        byte[] key = JSON.writeValueAsBytes(entry.get("key"));
        JsonNode value = entry.get("value");
        OffsetCodec.Entry decoded = codec.decode(key, value == null || value.isNull() ? null : JSON.writeValueAsBytes(value));
        if (decoded.offset() != null) {
          offsets.computeIfAbsent(decoded.connector(), c -> new LinkedHashMap<>()).put(decoded.partition(), decoded.offset());
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new ConnectException("cannot read the offsets file " + file + ": " + e.getMessage(), e);
    }
  }

  private void save() {
    try {
      ArrayNode root = JSON.createArrayNode();
      offsets.forEach(
          (connector, partitions) ->
              partitions.forEach(
                  (partition, offset) -> {
                    try {
                      var node = root.addObject();
                      node.set("key", JSON.readTree(codec.key(connector, partition)));
                      node.set("value", JSON.readTree(codec.value(offset)));
                    } catch (IOException e) {
                      throw new IllegalStateException("our own JSON must parse", e);
                    }
                  }));
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
      try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
        channel.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new ConnectException("cannot write the offsets file " + file + ": " + e.getMessage(), e);
    }
  }
}
