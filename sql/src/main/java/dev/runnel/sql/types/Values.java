package dev.runnel.sql.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.sql.SqlException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runtime values: conversions between types and to/from JSON (formats and state stores share these). */
public final class Values {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Values() {}

  /** CAST semantics: numbers convert with truncation toward zero, strings parse, anything prints. */
  public static Object cast(Object value, SqlType target) {
    if (value == null) {
      return null;
    }
    try {
      return switch (target.base()) {
        case BOOLEAN -> value instanceof Boolean b ? b : parseBoolean(value.toString());
        case INTEGER -> value instanceof Number n ? (Object) n.intValue() : (Object) (int) Double.parseDouble(value.toString().trim());
        case BIGINT -> value instanceof Number n ? (Object) n.longValue() : (Object) parseLong(value.toString().trim());
        case DOUBLE -> value instanceof Number n ? (Object) n.doubleValue() : (Object) Double.parseDouble(value.toString().trim());
        case STRING -> toText(value);
        default -> value;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return (long) Double.parseDouble(s);
    }
  }

  private static Boolean parseBoolean(String s) {
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("true")) {
      return true;
    }
    if (t.equals("false")) {
      return false;
    }
    return null;
  }

  /** Text form of a value, as CAST(x AS STRING) and DELIMITED output print it. */
  public static String toText(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      try {
        return JSON.writeValueAsString(value);
      } catch (Exception e) {
        throw new IllegalStateException("cannot print " + value, e);
      }
    }
    return value.toString();
  }

  /** Widens a numeric value to {@code target} (INTEGER → BIGINT → DOUBLE); others unchanged. */
  public static Object widen(Object value, SqlType target) {
    if (!(value instanceof Number n)) {
      return value;
    }
    return switch (target.base()) {
      case BIGINT -> n.longValue();
      case DOUBLE -> n.doubleValue();
      case INTEGER -> n.intValue();
      default -> value;
    };
  }

  // ---- JSON

  public static JsonNode toJson(Object value, SqlType type) {
    if (value == null) {
      return NODES.nullNode();
    }
    switch (type.base()) {
      case BOOLEAN: return NODES.booleanNode((Boolean) value);
      case INTEGER: return NODES.numberNode(((Number) value).intValue());
      case BIGINT: return NODES.numberNode(((Number) value).longValue());
      case DOUBLE: return NODES.numberNode(((Number) value).doubleValue());
      case STRING: return NODES.textNode(value.toString());
      case ARRAY: {
        ArrayNode a = NODES.arrayNode();
        for (Object item : (List<?>) value) {
          a.add(toJson(item, type.element()));
        }
        return a;
      }
      case MAP: {
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          o.set(String.valueOf(e.getKey()), toJson(e.getValue(), type.value()));
        }
        return o;
      }
      case STRUCT: {
        ObjectNode o = NODES.objectNode();
        Map<?, ?> m = (Map<?, ?>) value;
        for (SqlType.Field f : type.fields()) {
          o.set(f.name(), toJson(m.get(f.name()), f.type()));
        }
        return o;
      }
      default: return NODES.nullNode();
    }
  }

  /**
   * Reads {@code node} as {@code type}, leniently as ksqlDB does (a number in a string column
   * becomes its text, "12" in an INT column becomes 12, struct fields match case-insensitively).
   * Throws SqlException when the value cannot be read as the type.
   */
  public static Object fromJson(JsonNode node, SqlType type) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    switch (type.base()) {
      case BOOLEAN:
        if (node.isBoolean()) {
          return node.booleanValue();
        }
        if (node.isTextual()) {
          Boolean b = parseBoolean(node.textValue());
          if (b != null) {
            return b;
          }
        }
        throw mismatch(node, type);
      case INTEGER:
        if (node.isIntegralNumber() && node.canConvertToInt()) {
          return node.intValue();
        }
        return numberFromText(node, type);
      case BIGINT:
        if (node.isIntegralNumber() && node.canConvertToLong()) {
          return node.longValue();
        }
        return numberFromText(node, type);
      case DOUBLE:
        if (node.isNumber()) {
          return node.doubleValue();
        }
        return numberFromText(node, type);
      case STRING:
        return node.isValueNode() ? node.asText() : node.toString();
      case ARRAY: {
        if (!node.isArray()) {
          throw mismatch(node, type);
        }
        List<Object> out = new ArrayList<>(node.size());
        for (JsonNode item : node) {
          out.add(fromJson(item, type.element()));
        }
        return out;
      }
      case MAP: {
        if (!node.isObject()) {
          throw mismatch(node, type);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          out.put(e.getKey(), fromJson(e.getValue(), type.value()));
        }
        return out;
      }
      case STRUCT: {
        if (!node.isObject()) {
          throw mismatch(node, type);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (SqlType.Field f : type.fields()) {
          out.put(f.name(), fromJson(fieldIgnoreCase(node, f.name()), f.type()));
        }
        return out;
      }
      default:
        return null;
    }
  }

  /** The field of a JSON object named {@code name}, exact match first, then ignoring case. */
  public static JsonNode fieldIgnoreCase(JsonNode object, String name) {
    JsonNode exact = object.get(name);
    if (exact != null) {
      return exact;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static Object numberFromText(JsonNode node, SqlType type) {
    if (node.isTextual() || node.isNumber()) {
      Object v = cast(node.asText(), type);
      if (v != null) {
        return v;
      }
    }
    throw mismatch(node, type);
  }

  private static SqlException mismatch(JsonNode node, SqlType type) {
    String text = node.toString();
    if (text.length() > 60) {
      text = text.substring(0, 60) + "...";
    }
    return new SqlException("cannot read " + text + " as " + type);
  }
}
