package dev.runnel.connectors.jdbc;

import java.util.Arrays;
import java.util.List;

/** Where the JDBC sink takes a row's primary key from. */
enum PrimaryKeyMode {
  /** No key: plain inserts. */
  NONE("none"),
  /** The record key: a primitive (one column) or a struct/map (its fields). */
  RECORD_KEY("record_key"),
  /** Fields of the record value, named in pk.fields. */
  RECORD_VALUE("record_value");

  final String configValue;

  PrimaryKeyMode(String configValue) {
    this.configValue = configValue;
  }

  static List<String> configValues() {
    return Arrays.stream(values()).map(mode -> mode.configValue).toList();
  }

  static PrimaryKeyMode fromConfig(String value) {
    for (PrimaryKeyMode mode : values()) {
      if (mode.configValue.equals(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown pk.mode " + value);
  }
}
