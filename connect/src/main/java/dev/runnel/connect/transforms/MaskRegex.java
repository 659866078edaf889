package dev.runnel.connect.transforms;

import dev.runnel.connect.ConnectVersion;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Partial masking, which MaskField cannot do: in each of {@code fields} (string values of a
 * struct or map; with no fields, a string key/value itself) every match of {@code regex} is
 * replaced by {@code replacement} ({@code $1} refers to groups). E.g. {@code regex=\d+$},
 * {@code replacement=XXX} turns the IP {@code 1.2.3.95} into {@code 1.2.3.XXX}. Non-string and
 * missing fields are left alone.
 */
public abstract class MaskRegex<R extends ConnectRecord<R>> implements Transformation<R> {
  public static final String FIELDS = "fields";
  public static final String REGEX = "regex";
  public static final String REPLACEMENT = "replacement";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(FIELDS, Type.LIST, "", Importance.HIGH, "Fields to mask; empty = the whole key/value (a string)")
          .define(REGEX, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, (name, value) -> {
            try {
              Pattern.compile(String.valueOf(value));
            } catch (PatternSyntaxException e) {
              throw new ConfigException(name, value, "not a valid regular expression: " + e.getDescription());
            }
          }, Importance.HIGH, "Java regular expression whose matches are replaced")
          .define(REPLACEMENT, Type.STRING, "***", Importance.HIGH, "Replacement; $1.. refer to groups");

  private List<String> fields;
  private Pattern regex;
  private String replacement;

  @Override
  public void configure(Map<String, ?> props) {
    AbstractConfig config = new AbstractConfig(CONFIG, props);
    fields = config.getList(FIELDS).stream().map(String::trim).filter(f -> !f.isEmpty()).toList();
    regex = Pattern.compile(config.getString(REGEX));
    replacement = config.getString(REPLACEMENT);
    try {
      regex.matcher("").replaceAll(replacement);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new ConfigException(REPLACEMENT, replacement, "does not fit the regex: " + e.getMessage());
    }
  }

  @Override
  public R apply(R record) {
    Object value = operatingValue(record);
    if (value == null) {
      return record;
    }
    Object masked;
    if (fields.isEmpty()) {
      masked = value instanceof String s ? mask(s) : value;
    } else if (value instanceof Struct struct) {
      masked = maskStruct(struct);
    } else if (value instanceof Map<?, ?> map) {
      masked = maskMap(map);
    } else {
      throw new DataException("MaskRegex with fields needs a struct or a map, got " + value.getClass().getSimpleName());
    }
    return newRecord(record, masked);
  }

  private String mask(String value) {
    return regex.matcher(value).replaceAll(replacement);
  }

  private Struct maskStruct(Struct value) {
    Struct out = new Struct(value.schema());
    for (Field field : value.schema().fields()) {
      Object fieldValue = value.get(field);
      if (fields.contains(field.name()) && fieldValue instanceof String s) {
        fieldValue = mask(s);
      }
      out.put(field, fieldValue);
    }
    return out;
  }

  private Map<Object, Object> maskMap(Map<?, ?> value) {
    Map<Object, Object> out = new java.util.LinkedHashMap<>(value);
    for (String field : fields) {
      if (out.get(field) instanceof String s) {
        out.put(field, mask(s));
      }
    }
    return out;
  }

  @Override
  public ConfigDef config() {
    return CONFIG;
  }

  @Override
  public void close() {}

  @Override
  public String version() {
    return ConnectVersion.get();
  }

  protected abstract Object operatingValue(R record);

  protected abstract R newRecord(R record, Object value);

  /** Masks the record key. */
  public static final class Key<R extends ConnectRecord<R>> extends MaskRegex<R> {
    @Override
    protected Object operatingValue(R record) {
      return record.key();
    }

    @Override
    protected R newRecord(R record, Object value) {
      return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), value,
          record.valueSchema(), record.value(), record.timestamp());
    }
  }

  /** Masks the record value. */
  public static final class Value<R extends ConnectRecord<R>> extends MaskRegex<R> {
    @Override
    protected Object operatingValue(R record) {
      return record.value();
    }

    @Override
    protected R newRecord(R record, Object value) {
      return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
          record.valueSchema(), value, record.timestamp());
    }
  }

}
