package dev.runnel.sql.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.sql.SqlException;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.types.SqlType;
import dev.runnel.sql.types.Values;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The formats: JSON (an object by column name; a single key column is written bare), DELIMITED
 * (one line of values, comma-separated unless value_delimiter says otherwise, double quotes
 * around values that need them) and KAFKA (one primitive column: INT 4 bytes, BIGINT and DOUBLE
 * 8 bytes big-endian, STRING UTF-8). NONE for a key without columns.
 */
public final class Formats {
  public static final Set<String> VALUE_FORMATS = Set.of("JSON", "DELIMITED", "KAFKA");
  public static final Set<String> KEY_FORMATS = Set.of("JSON", "DELIMITED", "KAFKA", "NONE");

  private Formats() {}

  /** Checks that {@code format} can carry {@code columns}; throws a SqlException saying why not. */
  public static void validate(String format, List<Column> columns, String role) {
    String f = format.toUpperCase(Locale.ROOT);
    if (f.equals("KAFKA")) {
      if (columns.size() > 1) {
        throw new SqlException("The KAFKA " + role + " format holds a single column, but there are " + columns.size()
            + " (" + String.join(", ", columns.stream().map(Column::name).toList()) + "); use JSON or DELIMITED");
      }
      for (Column c : columns) {
        if (c.type().base() == SqlType.Base.BOOLEAN || c.type().base().ordinal() > SqlType.Base.STRING.ordinal()) {
          throw new SqlException("The KAFKA " + role + " format cannot hold " + c.type() + " (column " + c.name() + ")");
        }
      }
    } else if (f.equals("DELIMITED")) {
      for (Column c : columns) {
        if (c.type().base().ordinal() > SqlType.Base.STRING.ordinal()) {
          throw new SqlException("The DELIMITED " + role + " format cannot hold " + c.type() + " (column " + c.name() + ")");
        }
      }
    } else if (f.equals("NONE")) {
      if (!columns.isEmpty()) {
        throw new SqlException("The NONE " + role + " format cannot hold columns");
      }
    } else if (!f.equals("JSON")) {
      throw new SqlException("Unknown " + role + " format '" + format + "' (supported: JSON, DELIMITED, KAFKA)");
    }
  }

  public static Serde of(String format, List<Column> columns, String delimiter, boolean key) {
    String f = format.toUpperCase(Locale.ROOT);
    if (columns.isEmpty()) {
      return new NoColumns();
    }
    return switch (f) {
      case "KAFKA" -> new Kafka(columns.get(0).type());
      case "DELIMITED" -> new Delimited(columns, delimiter == null || delimiter.isEmpty() ? ',' : delimiter.charAt(0));
      default -> new Json(columns, key && columns.size() == 1);
    };
  }

  private static final class NoColumns implements Serde {
    public byte[] encode(Object[] values) { return null; }
    public Object[] decode(byte[] bytes) { return new Object[0]; }
  }

  private record Json(List<Column> columns, boolean bare) implements Serde {
    public byte[] encode(Object[] values) {
      try {
        if (bare) {
          return values[0] == null ? null : Values.JSON.writeValueAsBytes(Values.toJson(values[0], columns.get(0).type()));
        }
        ObjectNode o = Values.JSON.createObjectNode();
        for (int i = 0; i < columns.size(); i++) {
          o.set(columns.get(i).name(), Values.toJson(values[i], columns.get(i).type()));
        }
        return Values.JSON.writeValueAsBytes(o);
      } catch (IOException e) {
        throw new IllegalStateException("JSON encoding failed", e);
      }
    }

    public Object[] decode(byte[] bytes) {
      Object[] out = new Object[columns.size()];
      if (bytes == null) {
        return out;
      }
      JsonNode node;
      try {
        node = Values.JSON.readTree(bytes);
      } catch (IOException e) {
        throw new SqlException("invalid JSON: " + abbreviate(String.valueOf(e.getMessage()).split("\n")[0]));
      }
      if (bare) {
        out[0] = Values.fromJson(node, columns.get(0).type());
        return out;
      }
      if (node == null || !node.isObject()) {
        throw new SqlException("expected a JSON object, got " + abbreviate(String.valueOf(node)));
      }
      for (int i = 0; i < columns.size(); i++) {
        Column c = columns.get(i);
        JsonNode field = Values.fieldIgnoreCase(node, c.name());
        try {
          out[i] = Values.fromJson(field, c.type());
        } catch (SqlException e) {
          throw new SqlException("column " + c.name() + ": " + e.getMessage());
        }
      }
      return out;
    }
  }

  private record Delimited(List<Column> columns, char delimiter) implements Serde {
    public byte[] encode(Object[] values) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          b.append(delimiter);
        }
        String text = Values.toText(values[i]);
        if (text != null) {
          boolean quote = text.indexOf(delimiter) >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0;
          b.append(quote ? '"' + text.replace("\"", "\"\"") + '"' : text);
        }
      }
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    public Object[] decode(byte[] bytes) {
      Object[] out = new Object[columns.size()];
      if (bytes == null) {
        return out;
      }
      List<String> fields = split(new String(bytes, StandardCharsets.UTF_8));
      if (fields.size() != columns.size()) {
        throw new SqlException("expected " + columns.size() + " delimited values, got " + fields.size());
      }
      for (int i = 0; i < out.length; i++) {
        String f = fields.get(i);
        SqlType t = columns.get(i).type();
        if (f == null || (f.isEmpty() && t.base() != SqlType.Base.STRING)) {
          continue;
        }
        out[i] = Values.cast(f, t);
        if (out[i] == null) {
          throw new SqlException("column " + columns.get(i).name() + ": cannot read '" + abbreviate(f) + "' as " + t);
        }
      }
      return out;
    }

    /** Splits one line; "" inside quotes is a quote; an empty unquoted field is null. */
    private List<String> split(String line) {
      List<String> out = new ArrayList<>();
      StringBuilder cur = new StringBuilder();
      boolean quoted = false;
      boolean wasQuoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            cur.append(c);
          }
        } else if (c == '"') {
          quoted = true;
          wasQuoted = true;
        } else if (c == delimiter) {
          out.add(cur.length() == 0 && !wasQuoted ? null : cur.toString());
          cur.setLength(0);
          wasQuoted = false;
        } else {
          cur.append(c);
        }
      }
      out.add(cur.length() == 0 && !wasQuoted ? null : cur.toString());
      return out;
    }
  }

  private record Kafka(SqlType type) implements Serde {
    public byte[] encode(Object[] values) {
      Object v = values[0];
      if (v == null) {
        return null;
      }
      return switch (type.base()) {
        case INTEGER -> ByteBuffer.allocate(4).putInt(((Number) v).intValue()).array();
        case BIGINT -> ByteBuffer.allocate(8).putLong(((Number) v).longValue()).array();
        case DOUBLE -> ByteBuffer.allocate(8).putDouble(((Number) v).doubleValue()).array();
        default -> v.toString().getBytes(StandardCharsets.UTF_8);
      };
    }

    public Object[] decode(byte[] bytes) {
      if (bytes == null) {
        return new Object[] {null};
      }
      int need = switch (type.base()) {
        case INTEGER -> 4;
        case BIGINT, DOUBLE -> 8;
        default -> -1;
      };
      if (need > 0 && bytes.length != need) {
        throw new SqlException("KAFKA format " + type + " needs " + need + " bytes, got " + bytes.length);
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      return new Object[] {
        switch (type.base()) {
          case INTEGER -> b.getInt();
          case BIGINT -> b.getLong();
          case DOUBLE -> b.getDouble();
          default -> new String(bytes, StandardCharsets.UTF_8);
        }
      };
    }
  }

  static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
