package dev.runnel.sql;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Session properties set with SET / UNSET. Only the known ones are accepted, with their values checked. */
final class Properties {
  static final String AUTO_OFFSET_RESET = "auto.offset.reset";
  private static final Map<String, Set<String>> KNOWN = Map.of(AUTO_OFFSET_RESET, Set.of("earliest", "latest"));
  private static final Map<String, String> DEFAULTS = Map.of(AUTO_OFFSET_RESET, "latest");
  private final Map<String, String> values = new TreeMap<>();

  synchronized void set(String name, String value) {
    Set<String> allowed = KNOWN.get(name);
    if (allowed == null) {
      throw new SqlException("Unknown property '" + name + "' (known: " + String.join(", ", KNOWN.keySet()) + ")");
    }
    if (!allowed.contains(value.toLowerCase(java.util.Locale.ROOT))) {
      throw new SqlException("Invalid value '" + value + "' for " + name + " (one of: " + String.join(", ", allowed) + ")");
    }
    values.put(name, value.toLowerCase(java.util.Locale.ROOT));
  }

  synchronized void unset(String name) {
    if (!KNOWN.containsKey(name)) {
      throw new SqlException("Unknown property '" + name + "'");
    }
    values.remove(name);
  }

  synchronized String get(String name) {
    return values.getOrDefault(name, DEFAULTS.get(name));
  }

  /**
   * Runs {@code action} with {@code overrides} set, then puts back what was set before (a SET
   * that {@code action} runs itself stays, unless it names an overridden property).
   */
  synchronized <T> T with(Map<String, String> overrides, java.util.function.Supplier<T> action) {
    if (overrides.isEmpty()) {
      return action.get();
    }
    Map<String, String> before = new TreeMap<>();
    for (String name : overrides.keySet()) {
      before.put(name, values.get(name));
    }
    overrides.forEach(this::set);
    try {
      return action.get();
    } finally {
      before.forEach((name, old) -> {
        if (old == null) {
          values.remove(name);
        } else {
          values.put(name, old);
        }
      });
    }
  }

  synchronized Map<String, String> all() {
    Map<String, String> out = new TreeMap<>(DEFAULTS);
    out.putAll(values);
    return out;
  }
}
