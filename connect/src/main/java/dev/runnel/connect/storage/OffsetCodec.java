package dev.runnel.connect.storage;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Source offsets as bytes, the way Kafka Connect stores them: key {@code ["connector",
 * {partition}]}, value {@code {offset}}, both schemaless JSON. Going through JSON is also why a
 * task that stored an int gets a Long back, exactly as on Kafka Connect.
 */
public final class OffsetCodec {
  private final JsonConverter json = new JsonConverter();

  public OffsetCodec() {
    json.configure(Map.of("schemas.enable", "false", "converter.type", "key"));
  }

  /** A stored offset entry: which connector, which source partition, and where it is. */
  public record Entry(String connector, Map<String, Object> partition, Map<String, Object> offset) {}

  public byte[] key(String connector, Map<String, ?> partition) {
    return json.fromConnectData("", null, Arrays.asList(connector, partition));
  }

  public byte[] value(Map<String, ?> offset) {
    return offset == null ? null : json.fromConnectData("", null, offset);
  }

  /** Decodes a stored entry; a null offset means the entry was deleted (tombstone). */
  @SuppressWarnings("unchecked")
  public Entry decode(byte[] key, byte[] value) {
    SchemaAndValue k = json.toConnectData("", key);
    if (!(k.value() instanceof List<?> parts) || parts.size() != 2 || !(parts.get(0) instanceof String connector)
        || !(parts.get(1) instanceof Map<?, ?> partition)) {
      throw new DataException("not an offset key: " + (key == null ? "null" : new String(key, java.nio.charset.StandardCharsets.UTF_8)));
    }
    Map<String, Object> offset = null;
    if (value != null) {
      Object decoded = json.toConnectData("", value).value();
      if (!(decoded instanceof Map<?, ?> map)) {
        throw new DataException("not an offset value");
      }
      offset = (Map<String, Object>) map;
    }
    return new Entry(connector, (Map<String, Object>) partition, offset);
  }

  /** The partition map as it reads back (numbers widened), for look-ups by equality. */
  public Map<String, Object> normalize(Map<String, ?> partition) {
    return decode(key("x", partition), null).partition();
  }
}
