package dev.runnel.sql;

import dev.runnel.sdk.Admin;
import dev.runnel.proto.v1.TopicSummary;
import dev.runnel.sql.catalog.Catalog;
import dev.runnel.sql.catalog.Column;
import dev.runnel.sql.catalog.DataSource;
import dev.runnel.sql.engine.QueryRuntime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** SHOW and DESCRIBE output. */
final class Listings {
  private Listings() {}

  static StatementResult.Listing sources(String sql, Catalog catalog, boolean tables) {
    List<List<String>> rows = new ArrayList<>();
    for (DataSource s : catalog.all()) {
      if (s.isTable() == tables) {
        rows.add(List.of(s.name(), s.topic(), s.keyFormat(), s.valueFormat(), String.valueOf(s.window() != null)));
      }
    }
    return new StatementResult.Listing(sql,
        List.of(tables ? "Table Name" : "Stream Name", "Kafka Topic", "Key Format", "Value Format", "Windowed"), rows);
  }

  static StatementResult.Listing queries(String sql, Collection<QueryRuntime> queries, boolean extended) {
    List<List<String>> rows = new ArrayList<>();
    for (QueryRuntime q : queries) {
      List<String> row = new ArrayList<>(List.of(q.id(), q.state().name() + (q.error() == null ? "" : ": " + q.error()),
          q.sinkSource().name(), q.sinkSource().topic(), oneLine(q.sql())));
      if (extended) {
        row.add(q.metrics().toString());
      }
      rows.add(row);
    }
    List<String> header = new ArrayList<>(List.of("Query ID", "Status", "Sink Name", "Sink Kafka Topic", "Query String"));
    if (extended) {
      header.add("Metrics");
    }
    return new StatementResult.Listing(sql, header, rows);
  }

  static StatementResult.Listing topics(String sql, Admin admin) {
    List<List<String>> rows = new ArrayList<>();
    for (TopicSummary t : admin.listTopics()) {
      if (!t.getName().startsWith("__")) {
        rows.add(List.of(t.getName(), Integer.toString(t.getPartitions()), Integer.toString(t.getReplicationFactor())));
      }
    }
    return new StatementResult.Listing(sql, List.of("Kafka Topic", "Partitions", "Replicas"), rows);
  }

  static StatementResult.Listing properties(String sql, Map<String, String> props) {
    List<List<String>> rows = new ArrayList<>();
    props.forEach((k, v) -> rows.add(List.of(k, v)));
    return new StatementResult.Listing(sql, List.of("Property", "Value"), rows);
  }

  static StatementResult.Listing describe(String sql, DataSource s, Collection<QueryRuntime> queries, boolean extended) {
    List<List<String>> rows = new ArrayList<>();
    for (Column c : s.columns()) {
      rows.add(List.of(c.name(), c.type().toString(), c.key() ? (s.isTable() ? "PRIMARY KEY" : "KEY") : ""));
    }
    if (s.window() != null) {
      rows.add(List.of("WINDOWSTART", "BIGINT", "KEY (" + s.window().type() + " window)"));
      rows.add(List.of("WINDOWEND", "BIGINT", "KEY (" + s.window().type() + " window)"));
    }
    if (extended) {
      rows.add(List.of("", "", ""));
      rows.add(List.of("Type", s.kind().name(), ""));
      rows.add(List.of("Kafka topic", s.topic(), s.partitions() + " partitions"));
      rows.add(List.of("Formats", "key " + s.keyFormat(), "value " + s.valueFormat()));
      rows.add(List.of("Timestamp", s.timestampColumn() == null ? "record timestamp" : s.timestampColumn(), ""));
      for (QueryRuntime q : queries) {
        if (q.sinkSource().name().equals(s.name())) {
          rows.add(List.of("Written by", q.id(), q.state() + " " + q.metrics()));
        } else if (q.plan().input().name().equals(s.name())
            || (q.plan().join() != null && q.plan().join().right().name().equals(s.name()))) {
          rows.add(List.of("Read by", q.id(), q.state().name()));
        }
      }
    }
    return new StatementResult.Listing(sql, List.of("Field", "Type", "Key"), rows);
  }

  static String oneLine(String sql) {
    return sql.replaceAll("\\s+", " ").trim();
  }
}
