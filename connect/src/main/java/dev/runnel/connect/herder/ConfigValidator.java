package dev.runnel.connect.herder;

import dev.runnel.connect.plugins.PluginDesc;
import dev.runnel.connect.plugins.PluginType;
import dev.runnel.connect.plugins.Plugins;
import dev.runnel.connect.runtime.ConnectorConfig;
import dev.runnel.connect.runtime.RecordConverters;
import dev.runnel.connect.runtime.WorkerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * Checks a connector config the way the worker will use it: the runtime's fields, the sink's
 * topics, the converters, every transform and predicate (their own ConfigDefs, under their
 * prefixes), then the connector's own {@code validate}. Each error names its field.
 */
public final class ConfigValidator {
  private static final String COMMON_GROUP = "Common";
  private static final String TRANSFORMS_GROUP = "Transforms";
  private static final String CONNECTOR_GROUP = "Connector";

  private final Plugins plugins;
  private final WorkerConfig worker;

  public ConfigValidator(Plugins plugins, WorkerConfig worker) {
    this.plugins = plugins;
    this.worker = worker;
  }

  public ConfigValidation validate(Map<String, String> props) {
    Map<String, ConfigValidation.Entry> entries = new LinkedHashMap<>();
    LinkedHashSet<String> groups = new LinkedHashSet<>(List.of(COMMON_GROUP));
    addAll(entries, ConnectorConfig.configDef(), props, COMMON_GROUP);
    String className = props.get(ConnectorConfig.CONNECTOR_CLASS);
    PluginDesc desc = null;
    if (className != null && !className.isBlank()) {
      try {
        desc = plugins.find(className.trim(), PluginType.SOURCE, PluginType.SINK);
      } catch (RuntimeException e) {
        error(entries, ConnectorConfig.CONNECTOR_CLASS, e.getMessage());
      }
    }
    boolean sink = desc != null && desc.type() == PluginType.SINK;
    if (sink) {
      checkSinkTopics(entries, props);
    }
    checkConverters(entries, props);
    groups.add(TRANSFORMS_GROUP);
    checkPredicatesAndTransforms(entries, props);
    if (desc != null) {
      groups.add(CONNECTOR_GROUP);
      checkConnector(entries, desc, props);
    }
    return new ConfigValidation(desc == null ? String.valueOf(className) : desc.className(),
        List.copyOf(groups), List.copyOf(entries.values()));
  }

  private void addAll(Map<String, ConfigValidation.Entry> entries, ConfigDef def, Map<String, String> props, String group) {
    Map<String, ConfigValue> values = new HashMap<>();
    for (ConfigValue value : def.validate(props)) {
      values.put(value.name(), value);
    }
    for (ConfigDef.ConfigKey key : def.configKeys().values()) {
      ConfigValue value = values.get(key.name);
      if (value == null) {
        continue;
      }
      ConfigDef.ConfigKey withGroup = key.group == null ? withGroup(key, group) : key;
      merge(entries, new ConfigValidation.Entry(withGroup, value));
    }
  }

  private static ConfigDef.ConfigKey withGroup(ConfigDef.ConfigKey key, String group) {
    return new ConfigDef.ConfigKey(key.name, key.type, key.defaultValue, key.validator, key.importance,
        key.documentation, group, key.orderInGroup, key.width, key.displayName, key.dependents,
        key.recommender, key.internalConfig);
  }

  private void checkSinkTopics(Map<String, ConfigValidation.Entry> entries, Map<String, String> props) {
    try {
      new ConnectorConfig(withDefaults(props)).requireSinkTopics();
    } catch (ConfigException e) {
      String field = e.getMessage().contains(ConnectorConfig.DLQ_TOPIC) ? ConnectorConfig.DLQ_TOPIC : ConnectorConfig.TOPICS;
      error(entries, field, e.getMessage());
    } catch (RuntimeException e) {
      // Other fields are broken too; their own errors are already listed.
    }
  }

  private void checkConverters(Map<String, ConfigValidation.Entry> entries, Map<String, String> props) {
    try {
      RecordConverters.create(worker, props, plugins).close();
    } catch (ConfigException e) {
      String field = List.of(ConnectorConfig.KEY_CONVERTER, ConnectorConfig.VALUE_CONVERTER, ConnectorConfig.HEADER_CONVERTER)
          .stream().filter(f -> e.getMessage().contains(f)).findFirst().orElse(ConnectorConfig.VALUE_CONVERTER);
      error(entries, field, e.getMessage());
    } catch (RuntimeException e) {
      error(entries, ConnectorConfig.VALUE_CONVERTER, e.toString());
    }
  }

  private void checkPredicatesAndTransforms(Map<String, ConfigValidation.Entry> entries, Map<String, String> props) {
    List<String> predicateAliases = aliases(props.get(ConnectorConfig.PREDICATES));
    for (String alias : predicateAliases) {
      checkPlugin(entries, props, ConnectorConfig.PREDICATES + "." + alias + ".", PluginType.PREDICATE);
    }
    for (String alias : aliases(props.get(ConnectorConfig.TRANSFORMS))) {
      String prefix = ConnectorConfig.TRANSFORMS + "." + alias + ".";
      checkPlugin(entries, props, prefix, PluginType.TRANSFORMATION);
      String predicate = props.get(prefix + "predicate");
      if (predicate != null && !predicate.isBlank() && !predicateAliases.contains(predicate.trim())) {
        error(entries, prefix + "predicate", "no predicate '" + predicate + "' is defined in 'predicates'");
      }
      String negate = props.get(prefix + "negate");
      if (negate != null && !negate.equalsIgnoreCase("true") && !negate.equalsIgnoreCase("false")) {
        error(entries, prefix + "negate", "must be true or false, got '" + negate + "'");
      }
    }
  }

  private void checkPlugin(Map<String, ConfigValidation.Entry> entries, Map<String, String> props, String prefix, PluginType type) {
    String typeField = prefix + "type";
    String className = props.get(typeField);
    value(entries, typeField, className);
    if (className == null || className.isBlank()) {
      error(entries, typeField, "Missing required configuration \"" + typeField + "\": the class of this " + type.restName());
      return;
    }
    PluginDesc desc;
    try {
      desc = plugins.find(className.trim(), type);
    } catch (RuntimeException e) {
      error(entries, typeField, e.getMessage());
      return;
    }
    ConfigDef def;
    Object instance = plugins.newInstance(desc, Object.class);
    try {
      def = instance instanceof Transformation<?> t ? t.config() : ((Predicate<?>) instance).config();
    } finally {
      try {
        ((AutoCloseable) instance).close();
      } catch (Exception ignored) {
        // Validation only; the instance held nothing.
      }
    }
    Map<String, String> own = new HashMap<>();
    props.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        own.put(k.substring(prefix.length()), v);
      }
    });
    for (ConfigValue value : def.validate(own)) {
      ConfigValue prefixed = new ConfigValue(prefix + value.name(), value.value(), value.recommendedValues(), new ArrayList<>());
      value.errorMessages().forEach(prefixed::addErrorMessage);
      ConfigDef.ConfigKey key = def.configKeys().get(value.name());
      merge(entries, new ConfigValidation.Entry(key == null ? null : renamed(key, prefix), prefixed));
    }
    // Some transforms check combinations only in configure(); try it so those errors show too.
    Object probe = plugins.newInstance(desc, Object.class);
    try {
      if (probe instanceof Transformation<?> t) {
        Map<String, String> withoutRouting = new HashMap<>(own);
        withoutRouting.remove("predicate");
        withoutRouting.remove("negate");
        t.configure(withoutRouting);
      } else {
        ((Predicate<?>) probe).configure(own);
      }
    } catch (ConfigException e) {
      error(entries, fieldOf(e, prefix, def, typeField), e.getMessage());
    } catch (RuntimeException e) {
      error(entries, typeField, e.toString());
    } finally {
      try {
        ((AutoCloseable) probe).close();
      } catch (Exception ignored) {
        // Validation only.
      }
    }
  }

  /** The prefixed field a plugin's ConfigException is about, when its message names one. */
  private static String fieldOf(ConfigException e, String prefix, ConfigDef def, String fallback) {
    String message = String.valueOf(e.getMessage());
    for (String name : def.names()) {
      if (message.contains(name)) {
        return prefix + name;
      }
    }
    return fallback;
  }

  private static ConfigDef.ConfigKey renamed(ConfigDef.ConfigKey key, String prefix) {
    return new ConfigDef.ConfigKey(prefix + key.name, key.type, key.defaultValue, key.validator, key.importance,
        key.documentation, TRANSFORMS_GROUP, key.orderInGroup, key.width, key.displayName, key.dependents,
        key.recommender, key.internalConfig);
  }

  private void checkConnector(Map<String, ConfigValidation.Entry> entries, PluginDesc desc, Map<String, String> props) {
    Connector connector = plugins.newInstance(desc, Connector.class);
    Config result;
    ConfigDef def;
    try {
      result = Plugins.withLoader(desc.loader(), () -> connector.validate(props));
      def = Plugins.withLoader(desc.loader(), connector::config);
    } catch (RuntimeException e) {
      error(entries, ConnectorConfig.CONNECTOR_CLASS, "the connector's validate() failed: " + e);
      return;
    }
    for (ConfigValue value : result.configValues()) {
      ConfigDef.ConfigKey key = def == null ? null : def.configKeys().get(value.name());
      if (key != null && key.group == null) {
        key = withGroup(key, CONNECTOR_GROUP);
      }
      merge(entries, new ConfigValidation.Entry(key, value));
    }
    if (connector instanceof SinkConnector) {
      return;
    }
  }

  private static Map<String, String> withDefaults(Map<String, String> props) {
    Map<String, String> out = new HashMap<>(props);
    out.putIfAbsent(ConnectorConfig.NAME, "validation");
    out.putIfAbsent(ConnectorConfig.CONNECTOR_CLASS, "unknown");
    return out;
  }

  private static List<String> aliases(String raw) {
    List<String> out = new ArrayList<>();
    if (raw != null) {
      for (String alias : raw.split(",")) {
        if (!alias.isBlank()) {
          out.add(alias.trim());
        }
      }
    }
    return out;
  }

  private static void value(Map<String, ConfigValidation.Entry> entries, String field, Object value) {
    merge(entries, new ConfigValidation.Entry(null, new ConfigValue(field, value, new ArrayList<>(), new ArrayList<>())));
  }

  private static void error(Map<String, ConfigValidation.Entry> entries, String field, String message) {
    ConfigValidation.Entry existing = entries.get(field);
    if (existing == null) {
      ConfigValue value = new ConfigValue(field);
      value.addErrorMessage(message);
      entries.put(field, new ConfigValidation.Entry(null, value));
    } else if (!existing.value().errorMessages().contains(message)) {
      existing.value().addErrorMessage(message);
    }
  }

  private static void merge(Map<String, ConfigValidation.Entry> entries, ConfigValidation.Entry entry) {
    ConfigValidation.Entry existing = entries.get(entry.value().name());
    if (existing == null) {
      entries.put(entry.value().name(), entry);
      return;
    }
    for (String message : entry.value().errorMessages()) {
      if (!existing.value().errorMessages().contains(message)) {
        existing.value().addErrorMessage(message);
      }
    }
    if (existing.definition() == null && entry.definition() != null) {
      entries.put(entry.value().name(), new ConfigValidation.Entry(entry.definition(), existing.value()));
    }
  }
}
