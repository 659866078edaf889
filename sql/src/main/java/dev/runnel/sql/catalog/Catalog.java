package dev.runnel.sql.catalog;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** The streams and tables by name. Single-writer: the engine's statement executor. */
public final class Catalog {
  private final Map<String, DataSource> sources = new TreeMap<>();

  public synchronized DataSource get(String name) {
    return sources.get(name);
  }

  public synchronized void put(DataSource source) {
    sources.put(source.name(), source);
  }

  public synchronized DataSource remove(String name) {
    return sources.remove(name);
  }

  public synchronized Collection<DataSource> all() {
    return java.util.List.copyOf(sources.values());
  }
}
