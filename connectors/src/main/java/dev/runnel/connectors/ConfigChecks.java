package dev.runnel.connectors;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Checks that span more than one field (e.g. "mode=incrementing needs incrementing.column.name").
 * ConfigDef validates one field at a time; these rules run after it, in both places a runtime
 * looks: {@code Connector.validate} (the REST validate endpoint, where each error must sit on the
 * field it is about) and {@code Connector.start} (where the first error is thrown).
 */
public final class ConfigChecks {
  /** One cross-field problem, attached to the field the user has to change. */
  public record Problem(String field, String message) {}

  private ConfigChecks() {}

  /** ConfigDef's per-field validation plus the cross-field problems, each on its own field. */
  public static Config validate(
      ConfigDef definition, Map<String, String> props, Function<Map<String, String>, List<Problem>> rules) {
    List<ConfigValue> values = definition.validate(props);
    Map<String, ConfigValue> byName =
        values.stream().collect(Collectors.toMap(ConfigValue::name, value -> value));
    boolean fieldsValid = values.stream().allMatch(value -> value.errorMessages().isEmpty());
    // Cross-field rules read typed values, which only exist when every field parsed.
    if (fieldsValid) {
      for (Problem problem : rules.apply(props)) {
        ConfigValue value = byName.get(problem.field());
        if (value == null) {
          throw new IllegalStateException("cross-field rule names unknown field " + problem.field());
        }
        value.addErrorMessage(problem.message());
      }
    }
    return new Config(values);
  }

  /** Throws a ConfigException naming the field of the first problem, if any. */
  public static void throwFirst(List<Problem> problems) {
    if (!problems.isEmpty()) {
      Problem first = problems.get(0);
      throw new ConfigException(first.field() + ": " + first.message());
    }
  }
}
