package dev.runnel.connectors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Connect values (with or without a schema) as plain JSON: structs and maps become objects,
 * bytes base64 strings, decimals exact numbers, and Connect's Timestamp/Date/Time ISO-8601
 * strings in UTC (what an HTTP API reading them most likely expects).
 */
final class JsonValues {
  /** Exact decimals: 1.50 stays 1.50 (the factory default would strip it to 1.5). */
  private static final JsonNodeFactory NODES = new JsonNodeFactory(true);

  private JsonValues() {}

  static JsonNode toJson(Schema schema, Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (schema != null && schema.name() != null && value instanceof java.util.Date date) {
      switch (schema.name()) {
        case Timestamp.LOGICAL_NAME:
          return NODES.textNode(date.toInstant().toString());
        case Date.LOGICAL_NAME:
          return NODES.textNode(LocalDate.ofInstant(date.toInstant(), ZoneOffset.UTC).toString());
        case Time.LOGICAL_NAME:
          return NODES.textNode(LocalTime.ofInstant(date.toInstant(), ZoneOffset.UTC).toString());
        default:
          break;
      }
    }
    if (value instanceof Struct struct) {
      ObjectNode object = NODES.objectNode();
      for (Field field : struct.schema().fields()) {
        object.set(field.name(), toJson(field.schema(), struct.get(field)));
      }
      return object;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      Schema valueSchema = schema != null && schema.type() == Schema.Type.MAP ? schema.valueSchema() : null;
      map.forEach((key, entry) -> object.set(String.valueOf(key), toJson(valueSchema, entry)));
      return object;
    }
    if (value instanceof Collection<?> list) {
      ArrayNode array = NODES.arrayNode();
      Schema elementSchema = schema != null && schema.type() == Schema.Type.ARRAY ? schema.valueSchema() : null;
      list.forEach(element -> array.add(toJson(elementSchema, element)));
      return array;
    }
    if (value instanceof String text) {
      return NODES.textNode(text);
    }
    if (value instanceof Boolean bool) {
      return NODES.booleanNode(bool);
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return NODES.numberNode(((Number) value).intValue());
    }
    if (value instanceof Long number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Float number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Double number) {
      return NODES.numberNode(number);
    }
    if (value instanceof BigDecimal number) {
      return NODES.numberNode(number);
    }
    if (value instanceof byte[] bytes) {
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof java.util.Date date) {
      return NODES.textNode(Instant.ofEpochMilli(date.getTime()).toString());
    }
    throw new DataException("cannot write a " + value.getClass().getName() + " as JSON");
  }
}
