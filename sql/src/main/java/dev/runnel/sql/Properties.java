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

  synchronized Map<String, String> all() {
    Map<String, String> out = new TreeMap<>(DEFAULTS);
    out.putAll(values);
    return out;
  }
}
