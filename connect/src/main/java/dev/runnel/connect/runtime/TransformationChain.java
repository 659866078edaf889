package dev.runnel.connect.runtime;

import dev.runnel.connect.plugins.PluginDesc;
import dev.runnel.connect.plugins.PluginType;
import dev.runnel.connect.plugins.Plugins;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * The transforms of a connector, applied in the order of {@code transforms=}. A transform with
 * {@code transforms.<alias>.predicate=<p>} applies only to records the predicate matches (or does
 * not match, with {@code negate=true}). A transform returning null drops the record.
 */
public final class TransformationChain<R extends ConnectRecord<R>> implements AutoCloseable {
  /** One configured step. */
  record Step<R extends ConnectRecord<R>>(String alias, Transformation<R> transform, Predicate<R> predicate, boolean negate) {
    R apply(R record) {
      if (predicate != null && predicate.test(record) == negate) {
        return record;
      }
      return transform.apply(record);
    }
  }

  private final List<Step<R>> steps;
  private final List<Predicate<R>> predicates;

  private TransformationChain(List<Step<R>> steps, List<Predicate<R>> predicates) {
    this.steps = steps;
    this.predicates = predicates;
  }

  public static <R extends ConnectRecord<R>> TransformationChain<R> empty() {
    return new TransformationChain<>(List.of(), List.of());
  }

  /**
   * Builds and configures the chain of {@code props}; throws ConfigException naming the field at
   * fault (e.g. {@code transforms.mask.type}).
   */
  @SuppressWarnings("unchecked")
  public static <R extends ConnectRecord<R>> TransformationChain<R> build(Map<String, String> props, Plugins plugins) {
    ConnectorConfig config = new ConnectorConfig(props);
    Map<String, Predicate<R>> predicates = new LinkedHashMap<>();
    List<Step<R>> steps = new ArrayList<>();
    try {
      for (String alias : aliases(config.getList(ConnectorConfig.PREDICATES))) {
        String prefix = ConnectorConfig.PREDICATES + "." + alias + ".";
        Predicate<R> predicate = plugins.newInstance(find(plugins, props, prefix, PluginType.PREDICATE), Predicate.class);
        predicates.put(alias, predicate);
        configure(prefix, () -> predicate.configure(subProps(props, prefix)));
      }
      for (String alias : aliases(config.getList(ConnectorConfig.TRANSFORMS))) {
        String prefix = ConnectorConfig.TRANSFORMS + "." + alias + ".";
        Transformation<R> transform =
            plugins.newInstance(find(plugins, props, prefix, PluginType.TRANSFORMATION), Transformation.class);
        Map<String, String> own = subProps(props, prefix);
        String predicateAlias = own.remove("predicate");
        boolean negate = Boolean.parseBoolean(own.remove("negate"));
        Predicate<R> predicate = null;
        if (predicateAlias != null && !predicateAlias.isBlank()) {
          predicate = predicates.get(predicateAlias.trim());
          if (predicate == null) {
            throw new ConfigException(prefix + "predicate", predicateAlias,
                "no predicate '" + predicateAlias + "' in predicates=" + config.getList(ConnectorConfig.PREDICATES));
          }
        }
        configure(prefix, () -> transform.configure(own));
        steps.add(new Step<>(alias, transform, predicate, negate));
      }
    } catch (RuntimeException e) {
      steps.forEach(s -> closeQuietly(s.transform()));
      predicates.values().forEach(TransformationChain::closeQuietly);
      throw e;
    }
    return new TransformationChain<>(List.copyOf(steps), List.copyOf(predicates.values()));
  }

  /** The record after every step, or null when a step dropped it. */
  public R apply(R record) {
    R current = record;
    for (Step<R> step : steps) {
      current = step.apply(current);
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  /** Applies step by step, so an error names the transform (for error reporting). */
  public R apply(R record, java.util.function.BiFunction<String, java.util.function.Supplier<R>, R> perStep) {
    R current = record;
    for (Step<R> step : steps) {
      R input = current;
      current = perStep.apply(step.alias(), () -> step.apply(input));
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  @Override
  public void close() {
    steps.forEach(s -> closeQuietly(s.transform()));
    predicates.forEach(TransformationChain::closeQuietly);
  }

  static List<String> aliases(List<String> raw) {
    List<String> out = new ArrayList<>();
    for (String alias : raw) {
      if (!alias.isBlank()) {
        out.add(alias.trim());
      }
    }
    return out;
  }

  static PluginDesc find(Plugins plugins, Map<String, String> props, String prefix, PluginType type) {
    String className = props.get(prefix + "type");
    if (className == null || className.isBlank()) {
      throw new ConfigException(prefix + "type", className, "missing: the class of this " + type.restName());
    }
    try {
      return plugins.find(className.trim(), type);
    } catch (RuntimeException e) {
      throw new ConfigException(prefix + "type", className, e.getMessage());
    }
  }

  static Map<String, String> subProps(Map<String, String> props, String prefix) {
    Map<String, String> out = new HashMap<>();
    props.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && !k.equals(prefix + "type")) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  /** A plugin's own ConfigException names its key without our prefix; add it back. */
  private static void configure(String prefix, Runnable configure) {
    try {
      configure.run();
    } catch (ConfigException e) {
      throw new ConfigException(prefix + "*: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new ConfigException(prefix + "*: " + e);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing after a failure or at shutdown: the first error is the one that matters.
    }
  }
}
