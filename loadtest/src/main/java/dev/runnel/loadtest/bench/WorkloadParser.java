package dev.runnel.loadtest.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a workload file: a flat YAML map in the spirit of the OpenMessaging Benchmark's workload
 * files. Every key is optional except {@code name}; unknown keys, wrong types and values out of
 * bounds are errors naming the key, so a typo never silently runs a different benchmark.
 *
 * <pre>
 * name: a-1k-max
 * mode: produce            # produce | consume | e2e
 * partitions: 6
 * recordSizeBytes: 1024
 * durationS: 25
 * </pre>
 */
public final class WorkloadParser {
  /** Bounds that keep every run finite and within what one machine can hold. */
  static final int PARTITIONS_MAX = 100_000;
  static final int RECORD_SIZE_BYTES_MAX = 16 << 20;
  static final int DURATION_S_MAX = 86_400;
  static final int CLIENTS_MAX = 256;
  static final int KEY_COUNT_MAX = 10_000_000;
  // Large YAML documents are not workloads; refuse them before parsing.
  private static final int FILE_BYTES_MAX = 64 * 1024;

  private static final Map<String, String> DEFAULTS = defaults();

  private WorkloadParser() {}

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("name", null);
    d.put("mode", "produce");
    d.put("topic", null);
    d.put("partitions", "6");
    d.put("replicationFactor", "0");
    d.put("recordSizeBytes", "1024");
    d.put("records", "0");
    d.put("durationS", "30");
    d.put("warmupS", "0");
    d.put("producers", "1");
    d.put("consumers", "1");
    d.put("rateRecordsPerSec", "0");
    d.put("keyDistribution", "none");
    d.put("keyCount", "0");
    d.put("zipfExponent", "1.0");
    d.put("acks", "quorum");
    d.put("compression", "none");
    d.put("payload", "random");
    d.put("lingerMs", "5");
    d.put("batchSizeBytes", "262144");
    return d;
  }

  /** The keys a workload may set, for help texts. */
  public static java.util.Set<String> keys() {
    return DEFAULTS.keySet();
  }

  public static Workload parseFile(Path file) {
    return parseFile(file, Map.of());
  }

  /** Reads a workload file, then sets the keys of {@code overrides} (checked like the file's). */
  public static Workload parseFile(Path file, Map<String, String> overrides) {
    try {
      if (Files.size(file) > FILE_BYTES_MAX) {
        throw new WorkloadException(file + ": larger than " + FILE_BYTES_MAX + " bytes; not a workload file");
      }
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), overrides);
    } catch (NoSuchFileException e) {
      throw new WorkloadException(file + ": no such file");
    } catch (IOException e) {
      throw new WorkloadException(file + ": cannot read it (" + e.getMessage() + ")");
    }
  }

  /** Parses YAML text; {@code source} names it in error messages. */
  public static Workload parse(String yaml, String source) {
    return parse(yaml, source, Map.of());
  }

  static Workload parse(String yaml, String source, Map<String, String> overrides) {
    Object document;
    try {
      document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (YAMLException e) {
      throw new WorkloadException(source + ": not valid YAML: " + e.getMessage());
    }
    if (!(document instanceof Map)) {
      throw new WorkloadException(source + ": expected a map of workload keys (name: ..., mode: ...), got "
          + (document == null ? "an empty document" : "a " + typeName(document)));
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : ((Map<?, ?>) document).entrySet()) {
      String key = String.valueOf(entry.getKey());
      if (!DEFAULTS.containsKey(key)) {
        throw new WorkloadException(source + ": unknown key '" + key + "'; known keys: "
            + String.join(", ", new TreeSet<>(DEFAULTS.keySet())));
      }
      Object value = entry.getValue();
      if (value instanceof Map || value instanceof Iterable) {
        throw new WorkloadException(source + ": '" + key + "' must be a single value, got a " + typeName(value));
      }
      values.put(key, value == null ? null : String.valueOf(value));
    }
    for (Map.Entry<String, String> override : overrides.entrySet()) {
      if (!DEFAULTS.containsKey(override.getKey())) {
        throw new WorkloadException("--set " + override.getKey() + ": unknown key; known keys: "
            + String.join(", ", new TreeSet<>(DEFAULTS.keySet())));
      }
      values.put(override.getKey(), override.getValue());
    }
    return fromValues(values, source);
  }

  /**
   * Builds a workload from key → text values (absent keys take their defaults): the one place
   * workload files and command-line options are checked.
   */
  public static Workload fromValues(Map<String, String> given, String source) {
    Fields f = new Fields(given, source);
    String name = f.text("name");
    if (name == null || !name.matches("[a-zA-Z0-9._-]{1,100}")) {
      throw new WorkloadException(source + ": 'name' is required: 1-100 characters of [a-zA-Z0-9._-], got "
          + (name == null ? "nothing" : "'" + name + "'"));
    }
    String topic = f.text("topic");
    if (topic != null && !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new WorkloadException(source + ": 'topic' must be 1-249 characters of [a-zA-Z0-9._-], got '" + topic + "'");
    }
    Workload w =
        new Workload(
            name,
            f.choice("mode", Workload.Mode.class),
            topic,
            (int) f.integer("partitions", 1, PARTITIONS_MAX),
            (int) f.integer("replicationFactor", 0, 5),
            (int) f.integer("recordSizeBytes", 0, RECORD_SIZE_BYTES_MAX),
            f.integer("records", 0, Long.MAX_VALUE),
            (int) f.integer("durationS", 1, DURATION_S_MAX),
            (int) f.integer("warmupS", 0, DURATION_S_MAX),
            (int) f.integer("producers", 1, CLIENTS_MAX),
            (int) f.integer("consumers", 1, CLIENTS_MAX),
            f.integer("rateRecordsPerSec", 0, 100_000_000),
            f.choice("keyDistribution", Workload.KeyDistribution.class),
            (int) f.integer("keyCount", 0, KEY_COUNT_MAX),
            f.decimal("zipfExponent", 0.01, 10),
            f.choice("acks", Workload.Acks.class),
            f.choice("compression", Workload.Compression.class),
            f.choice("payload", Workload.Payload.class),
            (int) f.integer("lingerMs", 0, 60_000),
            (int) f.integer("batchSizeBytes", 1, 16 << 20));
    checkCombination(w, source);
    return w;
  }

  private static void checkCombination(Workload w, String source) {
    if (w.keyDistribution() != Workload.KeyDistribution.NONE && w.keyCount() < 1) {
      throw new WorkloadException(source + ": keyDistribution " + lower(w.keyDistribution()) + " needs keyCount >= 1");
    }
    if (w.keyDistribution() == Workload.KeyDistribution.NONE && w.keyCount() > 0) {
      throw new WorkloadException(source + ": keyCount is set but keyDistribution is none; set keyDistribution: uniform or zipf");
    }
    if (w.mode() == Workload.Mode.E2E && w.recordSizeBytes() < Workload.E2E_STAMP_BYTES) {
      throw new WorkloadException(source + ": mode e2e needs recordSizeBytes >= " + Workload.E2E_STAMP_BYTES
          + " (each value carries its send time), got " + w.recordSizeBytes());
    }
    if (w.mode() == Workload.Mode.CONSUME && w.recordsMax() == 0) {
      throw new WorkloadException(source + ": mode consume needs 'records' (the backlog to write, then read) > 0");
    }
  }

  static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private static String typeName(Object value) {
    if (value instanceof Map) {
      return "map";
    }
    if (value instanceof Iterable) {
      return "list";
    }
    return value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  /** Typed access to the given values with defaults and bounds. */
  private static final class Fields {
    private final Map<String, String> given;
    private final String source;

    Fields(Map<String, String> given, String source) {
      this.given = given;
      this.source = source;
      for (String key : given.keySet()) {
        if (!DEFAULTS.containsKey(key)) {
          throw new WorkloadException(source + ": unknown key '" + key + "'");
        }
      }
    }

    String text(String key) {
      return given.containsKey(key) ? given.get(key) : DEFAULTS.get(key);
    }

    long integer(String key, long min, long max) {
      String raw = text(key);
      long value;
      try {
        value = Long.parseLong(raw == null ? "" : raw.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new WorkloadException(source + ": '" + key + "' must be a whole number between " + min + " and " + max
            + ", got '" + raw + "'");
      }
      if (value < min || value > max) {
        throw new WorkloadException(source + ": '" + key + "' must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }

    double decimal(String key, double min, double max) {
      String raw = text(key);
      double value;
      try {
        value = Double.parseDouble(raw == null ? "" : raw.trim());
      } catch (NumberFormatException e) {
        throw new WorkloadException(source + ": '" + key + "' must be a number, got '" + raw + "'");
      }
      if (!(value >= min && value <= max)) {
        throw new WorkloadException(source + ": '" + key + "' must be between " + min + " and " + max + ", got " + raw);
      }
      return value;
    }

    <E extends Enum<E>> E choice(String key, Class<E> type) {
      String raw = text(key);
      StringBuilder allowed = new StringBuilder();
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equalsIgnoreCase(raw == null ? "" : raw.trim())) {
          return constant;
        }
        allowed.append(allowed.length() == 0 ? "" : ", ").append(lower(constant));
      }
      throw new WorkloadException(source + ": '" + key + "' must be one of " + allowed + ", got '" + raw + "'");
    }
  }
}
