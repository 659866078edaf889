package dev.runnel.connectors.jdbc;

import java.util.Objects;

/**
 * A table name, optionally qualified by a schema ("public.orders"). Names are used verbatim and
 * always quoted in SQL, so they are case-sensitive on every database.
 */
public record TableId(String schema, String table) {
  public TableId {
    Objects.requireNonNull(table, "table");
    if (table.isEmpty()) {
      throw new IllegalArgumentException("empty table name");
    }
  }

  /** "orders" or "public.orders"; only the first dot separates the schema. */
  public static TableId parse(String name) {
    int dot = name.indexOf('.');
    if (dot <= 0 || dot == name.length() - 1) {
      return new TableId(null, name);
    }
    return new TableId(name.substring(0, dot), name.substring(dot + 1));
  }

  @Override
  public String toString() {
    return schema == null ? table : schema + "." + table;
  }
}
