package dev.runnel.connect.herder;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The result of validating a connector config: every known field with its definition (when
 * known), its value and its errors. The REST API renders it like Kafka Connect's ConfigInfos.
 */
public record ConfigValidation(String connectorClass, List<String> groups, List<Entry> entries) {
  /** One field: {@code definition} is null for fields no ConfigDef declares (e.g. a transform's type). */
  public record Entry(ConfigDef.ConfigKey definition, ConfigValue value) {}

  public int errorCount() {
    int count = 0;
    for (Entry entry : entries) {
      count += entry.value().errorMessages().isEmpty() ? 0 : 1;
    }
    return count;
  }

  /** "field: message" for each error, for a 400 answer to a bad create/update. */
  public List<String> errors() {
    List<String> out = new ArrayList<>();
    for (Entry entry : entries) {
      for (String message : entry.value().errorMessages()) {
        out.add(entry.value().name() + ": " + message);
      }
    }
    return out;
  }
}
