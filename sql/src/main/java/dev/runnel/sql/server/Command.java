package dev.runnel.sql.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * One record of a service's command topic: a statement that changes what the service runs, with
 * the properties that were in effect for it (they decide e.g. where its query starts reading).
 * Encoded as JSON {@code {"statement": "...", "streamsProperties": {...}}}.
 */
record Command(String statement, Map<String, String> properties) {
  private static final ObjectMapper JSON = new ObjectMapper();

  Command {
    properties = Map.copyOf(properties);
  }

  byte[] encode() {
    ObjectNode n = JSON.createObjectNode();
    n.put("statement", statement);
    ObjectNode props = n.putObject("streamsProperties");
    new TreeMap<>(properties).forEach(props::put);
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Decodes a record value; throws {@link IllegalArgumentException} when it is not a command. */
  static Command decode(byte[] value) {
    try {
      JsonNode n = JSON.readTree(value);
      JsonNode statement = n == null ? null : n.get("statement");
      if (statement == null || !statement.isTextual()) {
        throw new IllegalArgumentException("no \"statement\" field");
      }
      Map<String, String> props = new TreeMap<>();
      JsonNode p = n.get("streamsProperties");
      if (p != null) {
        p.fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
      }
      return new Command(statement.asText(), props);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }
}
