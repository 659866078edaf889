package dev.runnel.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation (each error on the field to change), start-up checks and task splitting. */
class JdbcConnectorConfigTest {
  @TempDir Path dir;

  private static Map<String, String> props(String... pairs) {
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      props.put(pairs[i], pairs[i + 1]);
    }
    return props;
  }

  /** field → its error messages, for the fields that have any. */
  private static Map<String, List<String>> errors(Config config) {
    return config.configValues().stream()
        .filter(value -> !value.errorMessages().isEmpty())
        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
  }

  @Test
  void source_validation_puts_each_error_on_its_field() {
    JdbcSourceConnector connector = new JdbcSourceConnector();
    assertEquals(List.of("connection.url", "mode"),
        errors(connector.validate(props())).keySet().stream().sorted().toList());
    assertTrue(errors(connector.validate(props("connection.url", "jdbc:sqlite:x", "mode", "sometimes")))
        .get("mode").get(0).contains("incrementing"));

    Map<String, List<String>> errors = errors(connector.validate(props(
        "connection.url", "jdbc:sqlite:x", "mode", "timestamp+incrementing")));
    assertEquals(List.of("incrementing.column.name", "table.whitelist", "timestamp.column.name"),
        errors.keySet().stream().sorted().toList());
    assertTrue(errors.get("table.whitelist").get(0).contains("query"));

    errors = errors(connector.validate(props("connection.url", "jdbc:sqlite:x", "mode", "incrementing",
        "incrementing.column.name", "id", "table.whitelist", "a", "query", "SELECT 1", "topic.prefix", "p")));
    assertEquals(List.of("query"), List.copyOf(errors.keySet()));

    errors = errors(connector.validate(props("connection.url", "jdbc:sqlite:x", "mode", "incrementing",
        "incrementing.column.name", "id", "query", "SELECT 1")));
    assertEquals(List.of("topic.prefix"), List.copyOf(errors.keySet()));

    assertTrue(errors(connector.validate(props("connection.url", "jdbc:sqlite:x", "mode", "incrementing",
        "incrementing.column.name", "id", "table.whitelist", "a", "poll.interval.ms", "0")))
        .containsKey("poll.interval.ms"));
  }

  @Test
  void source_start_names_the_field_of_a_bad_config_and_a_missing_table() throws Exception {
    JdbcSourceConnector connector = new JdbcSourceConnector();
    ConfigException bad = assertThrows(ConfigException.class, () -> connector.start(props(
        "connection.url", "jdbc:sqlite:x", "mode", "incrementing", "table.whitelist", "a")));
    assertTrue(bad.getMessage().contains("incrementing.column.name"), bad.getMessage());

    String url = "jdbc:sqlite:" + dir.resolve("db.sqlite");
    try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement()) {
      statement.executeUpdate("CREATE TABLE present (id INTEGER)");
    }
    ConnectException missing = assertThrows(ConnectException.class, () -> connector.start(props(
        "connection.url", url, "mode", "incrementing", "incrementing.column.name", "id",
        "table.whitelist", "present,absent")));
    assertTrue(missing.getMessage().contains("table.whitelist") && missing.getMessage().contains("absent"),
        missing.getMessage());
  }

  @Test
  void source_tables_are_spread_over_at_most_max_tasks() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("db.sqlite");
    try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement()) {
      for (String table : List.of("a", "b", "c")) {
        statement.executeUpdate("CREATE TABLE " + table + " (id INTEGER)");
      }
    }
    JdbcSourceConnector connector = new JdbcSourceConnector();
    connector.start(props("connection.url", url, "mode", "incrementing", "incrementing.column.name", "id",
        "table.whitelist", "a,b,c"));
    List<Map<String, String>> two = connector.taskConfigs(2);
    assertEquals(List.of("a,c", "b"), two.stream().map(config -> config.get("task.tables")).toList());
    assertEquals(3, connector.taskConfigs(8).size(), "no task without a table");
    assertFalse(connector.version().isBlank());
  }

  @Test
  void sink_validation_puts_each_error_on_its_field() {
    JdbcSinkConnector connector = new JdbcSinkConnector();
    assertEquals(List.of("connection.url"), List.copyOf(errors(connector.validate(props())).keySet()));
    assertEquals(List.of("pk.mode"), List.copyOf(errors(connector.validate(props(
        "connection.url", "jdbc:sqlite:x", "insert.mode", "upsert"))).keySet()));
    assertEquals(List.of("pk.fields"), List.copyOf(errors(connector.validate(props(
        "connection.url", "jdbc:sqlite:x", "pk.mode", "record_value"))).keySet()));
    assertEquals(List.of("insert.mode"), List.copyOf(errors(connector.validate(props(
        "connection.url", "jdbc:h2:mem:x", "insert.mode", "upsert", "pk.mode", "record_key"))).keySet()));
    assertEquals(List.of("insert.mode"), List.copyOf(errors(connector.validate(props(
        "connection.url", "jdbc:sqlite:x", "insert.mode", "merge"))).keySet()));
    assertTrue(errors(connector.validate(props("connection.url", "jdbc:postgresql://h/db", "insert.mode", "upsert",
        "pk.mode", "record_value", "pk.fields", "id"))).isEmpty());

    ConfigException bad = assertThrows(ConfigException.class,
        () -> connector.start(props("connection.url", "jdbc:sqlite:x", "insert.mode", "upsert")));
    assertTrue(bad.getMessage().startsWith("pk.mode"), bad.getMessage());
    connector.start(props("connection.url", "jdbc:sqlite:x"));
    assertEquals(3, connector.taskConfigs(3).size());
  }
}
