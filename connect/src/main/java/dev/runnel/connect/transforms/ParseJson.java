package dev.runnel.connect.transforms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runnel.connect.ConnectVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Turns a JSON text key/value (a string or bytes, e.g. a line of a file) into a Struct with a
 * schema inferred from that record: objects become structs (fields in text order), integers
 * INT64, decimals FLOAT64, booleans, strings, arrays of their first element's type; every field
 * optional. Then field-level transforms (ReplaceField, MaskField, InsertField, MaskRegex ...)
 * apply, and JsonConverter writes the fields back in the same order.
 */
public abstract class ParseJson<R extends ConnectRecord<R>> implements Transformation<R> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEPTH_MAX = 32;

  @Override
  public void configure(Map<String, ?> props) {}

  @Override
  public R apply(R record) {
    Object raw = operatingValue(record);
    if (raw == null) {
      return record;
    }
    String text;
    if (raw instanceof String s) {
      text = s;
    } else if (raw instanceof byte[] bytes) {
      text = new String(bytes, StandardCharsets.UTF_8);
    } else {
      throw new DataException("ParseJson needs a string or bytes, got " + raw.getClass().getSimpleName());
    }
    if (text.isBlank()) {
      // An empty line is "no value": a tombstone, which Filter + RecordIsTombstone can drop.
      return newRecord(record, null, null);
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new DataException("not valid JSON: " + e.getOriginalMessage());
    }
    SchemaAndValue parsed = convert(node, 0);
    return newRecord(record, parsed.schema(), parsed.value());
  }

  static SchemaAndValue convert(JsonNode node, int depth) {
    if (depth > DEPTH_MAX) {
      throw new DataException("JSON nested deeper than " + DEPTH_MAX + " levels");
    }
    if (node == null || node.isNull()) {
      return new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, null);
    }
    if (node.isObject()) {
      SchemaBuilder builder = SchemaBuilder.struct().optional();
      List<Object> values = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      List<String> names = new ArrayList<>();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        SchemaAndValue converted = convert(field.getValue(), depth + 1);
        builder.field(field.getKey(), converted.schema());
        names.add(field.getKey());
        values.add(converted.value());
      }
      Schema schema = builder.build();
      Struct struct = new Struct(schema);
      for (int i = 0; i < names.size(); i++) {
        struct.put(names.get(i), values.get(i));
      }
      return new SchemaAndValue(schema, struct);
    }
    if (node.isArray()) {
      List<Object> items = new ArrayList<>();
      Schema itemSchema = null;
      for (JsonNode item : node) {
        SchemaAndValue converted = convert(item, depth + 1);
        if (itemSchema == null || item.isNull()) {
          itemSchema = itemSchema == null ? converted.schema() : itemSchema;
        } else if (!converted.schema().equals(itemSchema) && converted.value() != null) {
          throw new DataException("JSON array mixes types: " + itemSchema.type() + " and " + converted.schema().type());
        }
        items.add(converted.value());
      }
      Schema schema = SchemaBuilder.array(itemSchema == null ? Schema.OPTIONAL_STRING_SCHEMA : itemSchema).optional().build();
      return new SchemaAndValue(schema, items);
    }
    if (node.isIntegralNumber()) {
      return new SchemaAndValue(Schema.OPTIONAL_INT64_SCHEMA, node.asLong());
    }
    if (node.isNumber()) {
      return new SchemaAndValue(Schema.OPTIONAL_FLOAT64_SCHEMA, node.asDouble());
    }
    if (node.isBoolean()) {
      return new SchemaAndValue(Schema.OPTIONAL_BOOLEAN_SCHEMA, node.asBoolean());
    }
    return new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, node.asText());
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef();
  }

  @Override
  public void close() {}

  @Override
  public String version() {
    return ConnectVersion.get();
  }

  protected abstract Object operatingValue(R record);

  protected abstract R newRecord(R record, Schema schema, Object value);

  /** Parses the record key. */
  public static final class Key<R extends ConnectRecord<R>> extends ParseJson<R> {
    @Override
    protected Object operatingValue(R record) {
      return record.key();
    }

    @Override
    protected R newRecord(R record, Schema schema, Object value) {
      return record.newRecord(record.topic(), record.kafkaPartition(), schema, value,
          record.valueSchema(), record.value(), record.timestamp());
    }
  }

  /** Parses the record value. */
  public static final class Value<R extends ConnectRecord<R>> extends ParseJson<R> {
    @Override
    protected Object operatingValue(R record) {
      return record.value();
    }

    @Override
    protected R newRecord(R record, Schema schema, Object value) {
      return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
          schema, value, record.timestamp());
    }
  }
}
