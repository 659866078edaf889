package dev.runnel.connectors.jdbc;

import java.util.Arrays;
import java.util.List;

/** How the JDBC source finds new rows. */
enum QueryMode {
  /** A strictly increasing column (an id): new rows only, updates are not seen. */
  INCREMENTING("incrementing"),
  /** A last-modified timestamp column: new and updated rows. */
  TIMESTAMP("timestamp"),
  /** Both: (timestamp, id) orders rows totally, so rows sharing a timestamp are never skipped. */
  TIMESTAMP_INCREMENTING("timestamp+incrementing");

  final String configValue;

  QueryMode(String configValue) {
    this.configValue = configValue;
  }

  boolean usesIncrementing() {
    return this != TIMESTAMP;
  }

  boolean usesTimestamp() {
    return this != INCREMENTING;
  }

  static List<String> configValues() {
    return Arrays.stream(values()).map(mode -> mode.configValue).toList();
  }

  static QueryMode fromConfig(String value) {
    for (QueryMode mode : values()) {
      if (mode.configValue.equals(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown mode " + value);
  }
}
